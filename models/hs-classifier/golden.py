"""Texts for dist/golden.jsonl (runtime conformance tests). Hand-written examples, not taken from eval sets."""

_LONG_TECH = (
    "The subject merchandise is a stainless steel ball valve assembly for industrial process piping. "
    "The valve body is cast from AISI 316 stainless steel, with a chrome-plated ball and PTFE seats, rated for "
    "working pressures up to 1000 psi and temperatures between -20 and 180 degrees Celsius. It is manually "
    "operated by a lever handle and has threaded NPT end connections of 2 inches nominal diameter."
)

_VERY_LONG = (
    "Men's knitted pullover sweater of 100% cotton, with ribbed crew neck, long sleeves and rib knit cuffs. "
    * 30
) + "Ignored tail after max_chars: lithium-ion battery pack for electric bicycles."

GOLDEN_TEXTS = [
    _LONG_TECH,
    "Wireless Bluetooth Earbuds with Charging Case, Noise Cancelling | Electronics > Audio > Headphones",
    "Women's Summer Floral Maxi Dress, 100% Polyester | Clothing > Women > Dresses",
    "Kids Building Blocks Set 500 pcs plastic | Toys & Games > Construction Toys",
    "Stainless steel kitchen knife set with wooden block",
    "laptop",
    "HAND CREAM",
    "frozen shrimp, peeled",
    "Fresh apples",
    "red wine in bottles 75cl",
    "lithium-ion battery for mobile phone",
    "smartphone",
    "men's cotton t-shirt",
    "leather handbag",
    "LED light bulb E27 9W",
    "car tyres 205/55 R16",
    "dog food dry kibble 10kg",
    "ceramic coffee mug",
    "wooden dining table",
    "paracetamol tablets 500mg",
    "Polyethylene terephthalate film laminated to polyethylene film, used for packaging",
    "Chaussures de sport en cuir pour hommes",
    "Herren Baumwoll-T-Shirt, kurzärmlig",
    "电动自行车锂电池",
    "Ñandú café crème brûlée",
    "!!! ... ??? --- ///",
    "",
    "12345",
    "a",
    _VERY_LONG,
]
