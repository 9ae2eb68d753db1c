/* Generated from schema/quote.schema.json by www/scripts/gen-types.mjs. Do not edit. */

export type Date = string;

/**
 * A landed-cost quote.
 */
export interface Quote {
  /**
   * Version of the basket/quote contract.
   */
  contract_version: string;
  /**
   * Destination currency: every amount below is in it unless stated.
   */
  currency: string;
  /**
   * Import date whose rules were applied.
   */
  date: string;
  /**
   * Destination country.
   */
  destination: string;
  /**
   * Region, when one applied.
   */
  destination_region?: string | null;
  /**
   * The totals converted to the display currency, when one was asked.
   */
  display?: DisplayTotals | null;
  /**
   * One entry per figure: formula, rule, reference, effective date.
   */
  explain: Explain[];
  /**
   * Fees charged.
   */
  fees: FeeLine[];
  /**
   * Exchange rates used.
   */
  fx: FxUsed[];
  /**
   * Delivery terms.
   */
  incoterm: "DDP" | "DAP";
  /**
   * One entry per basket item, in basket order.
   */
  lines: Line[];
  pack: PackRef;
  /**
   * Every threshold test applied.
   */
  thresholds: ThresholdOutcome[];
  totals: Totals1;
  /**
   * Things the shopper or merchant should know (stale data, unknown rates, ...).
   */
  warnings: Warning[];
}
/**
 * Totals converted to the display currency.
 */
export interface DisplayTotals {
  /**
   * The display currency.
   */
  currency: string;
  /**
   * Units of the display currency per unit of the destination currency.
   */
  rate: string;
  totals: Totals;
}
/**
 * The converted totals, each rounded to the display currency's minor unit.
 */
export interface Totals {
  /**
   * Customs value (per the destination's valuation basis).
   */
  customs_value: string;
  /**
   * Paid by the shopper at checkout.
   */
  due_at_checkout: string;
  /**
   * Collected from the shopper at delivery.
   */
  due_at_delivery: string;
  /**
   * Customs duty.
   */
  duty: string;
  /**
   * Fees.
   */
  fees: string;
  /**
   * Price of the goods.
   */
  goods: string;
  /**
   * Insurance charged.
   */
  insurance: string;
  /**
   * goods + shipping + insurance + duty + tax + fees.
   */
  landed_cost: string;
  /**
   * Transport charged.
   */
  shipping: string;
  /**
   * VAT / GST / sales tax.
   */
  tax: string;
}
/**
 * How one figure was computed.
 */
export interface Explain {
  /**
   * The figure.
   */
  amount: string;
  /**
   * Date from which the applied value is in force.
   */
  effective: string;
  /**
   * What the figure is: `lines[0].duty`, `totals.tax`, `fees[0]`, ...
   */
  figure: string;
  /**
   * The formula with its numbers.
   */
  formula: string;
  /**
   * Legal reference URL.
   */
  reference: string;
  /**
   * Rule id.
   */
  rule: string;
}
/**
 * A fee charged.
 */
export interface FeeLine {
  /**
   * Amount in the destination currency.
   */
  amount: string;
  /**
   * Who collects it.
   */
  collected: "none" | "point_of_sale" | "border";
  /**
   * Rule id.
   */
  rule: string;
  /**
   * Title.
   */
  title: string;
}
/**
 * An exchange rate used.
 */
export interface FxUsed {
  /**
   * Day of the rate.
   */
  date?: Date | null;
  /**
   * From currency.
   */
  from: string;
  /**
   * Units of `to` per one `from`.
   */
  rate: string;
  /**
   * Source name (or `basket override`).
   */
  source: string;
  /**
   * To currency.
   */
  to: string;
}
/**
 * One basket item's figures.
 */
export interface Line {
  /**
   * Customs value of the line (with its share of transport and insurance where they count).
   */
  customs_value: string;
  duty: LineDuty;
  /**
   * Goods value of the line (unit price x quantity, converted).
   */
  goods_value: string;
  /**
   * HS code used (digits), if any.
   */
  hs_code?: string | null;
  /**
   * Where the HS code came from.
   */
  hs_source: "merchant" | "missing";
  /**
   * Item id.
   */
  id: string;
  /**
   * The tariff line whose rate was used, if any.
   */
  tariff_line?: string | null;
  tax: LineTax;
}
/**
 * The duty.
 */
export interface LineDuty {
  /**
   * The amount.
   */
  amount: string;
  /**
   * What the rate was applied to.
   */
  basis: string;
  /**
   * Who collects it.
   */
  collected: "none" | "point_of_sale" | "border";
  /**
   * The rate as the source states it (or the flat amount).
   */
  rate: string;
  /**
   * Id of the rule that decided it.
   */
  rule: string;
}
/**
 * The tax.
 */
export interface LineTax {
  /**
   * The amount.
   */
  amount: string;
  /**
   * The value taxed.
   */
  base: string;
  /**
   * Who collects it.
   */
  collected: "none" | "point_of_sale" | "border";
  /**
   * Rate in percent.
   */
  rate: string;
  /**
   * Id of the rule that decided it.
   */
  rule: string;
}
/**
 * The tariff pack used: id and version.
 */
export interface PackRef {
  /**
   * Build date.
   */
  build_date: string;
  /**
   * Pack id.
   */
  id: string;
  /**
   * Pack data version.
   */
  version: string;
}
/**
 * A threshold test and its outcome.
 */
export interface ThresholdOutcome {
  /**
   * The compared value in the destination currency.
   */
  compared: string;
  /**
   * The comparison.
   */
  comparison: "lt" | "lte" | "gt" | "gte";
  /**
   * The item id for unit/line scope.
   */
  item?: string | null;
  /**
   * Whether the test passed (so the rule applied).
   */
  passed: boolean;
  /**
   * Legal reference.
   */
  reference: string;
  /**
   * Rule id.
   */
  rule: string;
  /**
   * Per unit, line or consignment.
   */
  scope: "unit" | "line" | "consignment";
  /**
   * The threshold in its own currency.
   */
  threshold: string;
  /**
   * The threshold in the destination currency.
   */
  threshold_converted: string;
  /**
   * The threshold's currency.
   */
  threshold_currency: string;
  /**
   * Which value was compared.
   */
  value: "intrinsic" | "customs_value" | "total_paid" | "duty_amount" | "tax_amount";
}
/**
 * The totals.
 */
export interface Totals1 {
  /**
   * Customs value (per the destination's valuation basis).
   */
  customs_value: string;
  /**
   * Paid by the shopper at checkout.
   */
  due_at_checkout: string;
  /**
   * Collected from the shopper at delivery.
   */
  due_at_delivery: string;
  /**
   * Customs duty.
   */
  duty: string;
  /**
   * Fees.
   */
  fees: string;
  /**
   * Price of the goods.
   */
  goods: string;
  /**
   * Insurance charged.
   */
  insurance: string;
  /**
   * goods + shipping + insurance + duty + tax + fees.
   */
  landed_cost: string;
  /**
   * Transport charged.
   */
  shipping: string;
  /**
   * VAT / GST / sales tax.
   */
  tax: string;
}
/**
 * A warning.
 */
export interface Warning {
  /**
   * Stable code: `data_stale`, `duty_rate_unavailable`, `hs_code_missing`, `hs_code_unknown`,
   * `hs_code_unmapped`, `weight_missing`, `fx_date_differs`, `fx_override`.
   */
  code: string;
  /**
   * Item id, when it concerns one.
   */
  item?: string | null;
  /**
   * Explanation.
   */
  message: string;
}
