/* Generated from schema/basket.schema.json by www/scripts/gen-types.mjs. Do not edit. */

/**
 * Who buys.
 */
export type BuyerKind = "consumer" | "business";
/**
 * Transport channel.
 */
export type Channel = "post" | "courier";
/**
 * Why the goods are sent.
 */
export type ConsignmentKind = "sale" | "gift";
/**
 * Delivery terms.
 */
export type Incoterm = "DDP" | "DAP";

/**
 * A basket as it arrives (JSON). See the README for each field.
 */
export interface Basket {
  /**
   * The buyer.
   */
  buyer?: BuyerInput | null;
  /**
   * The carrier delivering the parcel, by stable id (`CARRIERS`); its clearance fees are
   * quoted. Without it a `post` parcel is the destination's postal operator's.
   */
  carrier?: string | null;
  channel: Channel;
  /**
   * `sale` (default) or `gift`.
   */
  consignment?: ConsignmentKind | null;
  /**
   * ISO 4217 currency of every price in the basket.
   */
  currency: string;
  /**
   * Import date whose rules apply (`YYYY-MM-DD`); default: today.
   */
  date?: string | null;
  /**
   * Destination country, ISO 3166-1 alpha-2 (each EU member state by its own code).
   */
  destination: string;
  /**
   * Region of the destination (a Canadian province), where regional tax rates exist.
   */
  destination_region?: string | null;
  /**
   * Currency to show the totals in as well.
   */
  display_currency?: string | null;
  /**
   * FX overrides: `{"USD/EUR": "0.92"}` = units of EUR per 1 USD.
   */
  fx?: {
    [k: string]: string | undefined;
  } | null;
  /**
   * `DDP` (default: the shopper pays everything at checkout) or `DAP`.
   */
  incoterm?: Incoterm | null;
  /**
   * Insurance charged, decimal string; default "0".
   */
  insurance?: string | null;
  /**
   * The goods: 1 to 1,000 lines (`MAX_ITEMS`).
   *
   * @maxItems 1000
   */
  items: ItemInput[];
  /**
   * The seller.
   */
  seller?: SellerInput | null;
  /**
   * Country the parcel leaves from, when it differs from the items' origin.
   */
  ship_from?: string | null;
  /**
   * International transport charged, decimal string; default "0".
   */
  shipping?: string | null;
}
/**
 * The buyer.
 */
export interface BuyerInput {
  kind: BuyerKind;
}
/**
 * One basket line as it arrives.
 */
export interface ItemInput {
  /**
   * Product text.
   */
  description: string;
  /**
   * HS code, 6 to 10 digits, dots allowed.
   */
  hs_code?: string | null;
  /**
   * Merchant's id (SKU), unique in the basket.
   */
  id: string;
  /**
   * Country of origin, ISO 3166-1 alpha-2.
   */
  origin: string;
  /**
   * A claim to a preferential tariff programme for this line.
   */
  preference?: PreferenceInput | null;
  /**
   * Number of units, at least 1.
   */
  quantity: number;
  /**
   * Value of the steel, aluminium or copper in one unit, decimal string in the basket currency
   * (for duties levied on metal content: US Section 232 derivatives).
   */
  unit_metal_value?: string | null;
  /**
   * Price of one unit, decimal string in the basket currency.
   */
  unit_price: string;
  /**
   * Net weight of one unit in kg, decimal string.
   */
  unit_weight_kg?: string | null;
}
/**
 * A claim that the goods originate under a preferential programme (free trade agreement, EPA).
 */
export interface PreferenceInput {
  /**
   * That the goods meet the programme's rules of origin; must be `true` (proof of origin is
   * the importer's to hold).
   */
  originating: boolean;
  /**
   * The programme's id as the pack names it, e.g. `us.usmca` (see `packInfo()`).
   */
  programme: string;
}
/**
 * The seller.
 */
export interface SellerInput {
  /**
   * Tax registrations held, e.g. `EU_IOSS`.
   */
  registrations?: string[];
}
