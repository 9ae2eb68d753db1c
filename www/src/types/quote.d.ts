/* Generated from schema/quote.schema.json by www/scripts/gen-types.mjs. Do not edit. */

export type Date = string;
/**
 * Who collects an amount, and when.
 */
export type Collection = "none" | "point_of_sale" | "border";
/**
 * Who charges a fee.
 */
export type FeePayee = "state" | "carrier";
/**
 * Delivery terms.
 */
export type Incoterm = "DDP" | "DAP";
/**
 * Whether a line's duty is a figure.
 */
export type DutyStatus = "assessed" | "waived" | "unknown";
/**
 * Why a line's duty is unknown. Each is also the code of the warning on the item that explains
 * it.
 */
export type DutyUnknownReason = "duty_rate_unavailable" | "hs_code_missing" | "hs_code_unmapped" | "weight_missing";
/**
 * Who confirmed a code. Ordered by authority: a later variant outranks an earlier one.
 */
export type Confirmation = "merchant_entered" | "broker_corrected" | "customs_assessed";
/**
 * Where an HS code came from.
 */
export type HsSource = "merchant" | "classifier" | "catalogue" | "missing";
/**
 * Comparison operator of a threshold test.
 */
export type Comparison = "lt" | "lte" | "gt" | "gte";
/**
 * Scope of a threshold test.
 */
export type Scope = "unit" | "line" | "consignment";
/**
 * Values a threshold can be compared with.
 */
export type TestedValue = "intrinsic" | "customs_value" | "total_paid" | "duty_amount" | "tax_amount" | "due_at_border";

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
  date: Date;
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
  incoterm: Incoterm;
  /**
   * One entry per basket item, in basket order.
   */
  lines: Line[];
  pack: PackRef;
  /**
   * Every threshold test applied.
   */
  thresholds: ThresholdOutcome[];
  totals: Totals;
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
 * Totals in the destination currency.
 */
export interface Totals {
  /**
   * Whether every line's duty is known. `false` when some line's duty could not be computed
   * (`lines[].duty.status` is `unknown`): `duty`, `landed_cost` and what is due leave that duty
   * out (and `tax` too, where the tax base includes the duty), so they are lower bounds, not
   * the amount customs will collect; a `duty_unknown` warning says so.
   */
  complete: boolean;
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
   * The customs value of those lines: the value no duty figure covers (0 when `complete`).
   */
  duty_unknown_customs_value: string;
  /**
   * How many lines' duty is unknown (0 when `complete`).
   */
  duty_unknown_lines: number;
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
  effective: Date;
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
  collected: Collection;
  payee: FeePayee;
  /**
   * Rule id.
   */
  rule: string;
  /**
   * The tax charged on a fee priced net, included in `amount` (a carrier's VAT on its service);
   * absent when the fee bears none of its own.
   */
  tax?: string | null;
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
   * When the classifier was unsure: the codes weighed, each with the duty it would give. The
   * quote uses the one with the highest landed cost, so a prepaid total never under-collects.
   */
  hs_candidates?: HsCandidate[];
  /**
   * HS code used (digits), if any.
   */
  hs_code?: string | null;
  /**
   * The classifier's confidence in `hs_code` (only when `hs_source` is `classifier`).
   */
  hs_confidence?: number | null;
  /**
   * Who confirmed `hs_code` and when (only when `hs_source` is `catalogue`).
   */
  hs_confirmed?: HsConfirmed | null;
  hs_source: HsSource;
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
 * Duty of a line.
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
  collected: Collection;
  /**
   * The rate as the source states it (or the flat amount).
   */
  rate: string;
  /**
   * Id of the rule that decided it.
   */
  rule: string;
  status: DutyStatus;
  /**
   * Why the duty is unknown (only when `status` is `unknown`).
   */
  unknown_reason?: DutyUnknownReason | null;
}
/**
 * A classifier candidate considered for a line whose code was uncertain.
 */
export interface HsCandidate {
  /**
   * The line's duty had this code been used.
   */
  duty: string;
  /**
   * HS 2022 subheading.
   */
  hs_code: string;
  /**
   * The classifier's calibrated probability.
   */
  score: number;
}
/**
 * The catalogue entry a line's code came from.
 */
export interface HsConfirmed {
  confirmed_on: Date;
  /**
   * The destination whose customs assessed it; the quote uses only its six-digit subheading
   * when that is another destination.
   */
  destination?: string | null;
  source: Confirmation;
}
/**
 * Tax of a line.
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
  collected: Collection;
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
 * Which pack produced the quote.
 */
export interface PackRef {
  build_date: Date;
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
  comparison: Comparison;
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
  scope: Scope;
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
  value: TestedValue;
}
/**
 * A warning.
 */
export interface Warning {
  /**
   * Stable code: `data_stale`, `duty_rate_unavailable`, `duty_unknown` (the quote is not
   * complete: see `totals.complete`), `hs_code_missing`, `hs_code_unknown`,
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
