/* Generated from schema/catalogue.schema.json by www/scripts/gen-types.mjs. Do not edit. */

/**
 * Who confirmed a code. Ordered by authority: a later variant outranks an earlier one.
 */
export type Confirmation = "merchant_entered" | "broker_corrected" | "customs_assessed";

/**
 * A catalogue file as it arrives (JSON).
 */
export interface Catalogue {
  /**
   * The confirmed codes.
   */
  entries: EntryInput[];
  /**
   * Day the file was exported (`YYYY-MM-DD`).
   */
  exported_on: string;
  /**
   * Always `landed-catalogue`.
   */
  format: string;
  /**
   * HS edition of every code: 2022.
   */
  hs_edition: number;
  /**
   * The platform (or storefront) whose SKUs these are.
   */
  platform: string;
  /**
   * File version: 1.
   */
  version: number;
}
/**
 * One confirmed code as it arrives.
 */
export interface EntryInput {
  /**
   * Day it was confirmed (`YYYY-MM-DD`).
   */
  confirmed_on: string;
  /**
   * Destination whose customs assessed it (national digits are that tariff's); absent for a
   * merchant's code meant for every destination.
   */
  destination?: string | null;
  /**
   * The confirmed HS code, 6 to 10 digits.
   */
  hs_code: string;
  /**
   * The merchant's SKU: a basket item's `id`.
   */
  sku: string;
  source: Confirmation;
}
