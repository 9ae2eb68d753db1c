// The 5-item DE basket every browser benchmark quotes (quote.bench.mjs, instructions.mjs).
export const basket = {
  destination: 'DE',
  currency: 'USD',
  channel: 'courier',
  shipping: '24.00',
  items: [
    { id: 'tee', description: "Men's cotton T-shirt", hs_code: '610910', origin: 'BD', quantity: 2, unit_price: '24.00', unit_weight_kg: '0.20' },
    { id: 'sneakers', description: 'Canvas sneakers', hs_code: '640411', origin: 'VN', quantity: 1, unit_price: '89.00', unit_weight_kg: '0.90' },
    { id: 'handbag', description: 'Leather handbag', hs_code: '420221', origin: 'IT', quantity: 1, unit_price: '240.00', unit_weight_kg: '0.80' },
    { id: 'watch', description: 'Wristwatch', hs_code: '910211', origin: 'CH', quantity: 1, unit_price: '349.00', unit_weight_kg: '0.15' },
    { id: 'book', description: 'Printed book', hs_code: '490199', origin: 'US', quantity: 3, unit_price: '32.00', unit_weight_kg: '0.90' },
  ],
};
