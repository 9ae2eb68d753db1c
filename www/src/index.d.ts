// Types of the `landed` package. Basket and Quote are generated from the engine's JSON Schemas
// (schema/*.schema.json) into ./types/; everything else is written here.

import type { Basket } from './types/basket.js';
import type { Quote } from './types/quote.js';
import type { Catalogue } from './types/catalogue.js';

export type { Basket, BuyerInput, ItemInput, SellerInput, Incoterm, ConsignmentKind } from './types/basket.js';
export type {
  Quote, Totals, DisplayTotals, Line, LineDuty, LineTax, FeeLine, ThresholdOutcome, Explain, Warning, FxUsed, PackRef,
  HsConfirmed, HsCandidate, HsSource,
} from './types/quote.js';
export type { Catalogue, EntryInput as CatalogueEntry, Confirmation } from './types/catalogue.js';

/** What `loadCatalogue` loaded. */
export interface CatalogueInfo {
  platform: string;
  /** Export day (`YYYY-MM-DD`). */
  exported_on: string;
  /** Number of confirmed codes. */
  entries: number;
}

/** Where the .wasm comes from: a URL (http(s) or file), a fetch Request/Response (or a promise of one),
 * the bytes, or a compiled module. Default: `new URL('../pkg/landed_wasm_bg.wasm', import.meta.url)`. */
export type InitInput =
  | string
  | URL
  | Request
  | Response
  | Promise<Response>
  | BufferSource
  | WebAssembly.Module;

export interface InitOptions {
  /** A compiled `.pack` file to load instead of the embedded all-destinations pack. */
  pack?: Uint8Array | ArrayBuffer;
}

export interface QuoteOptions {
  /** Import date (`YYYY-MM-DD`) used when the basket has no `date`; default: today's date in UTC. */
  today?: string;
  /** Rankings for items without `hs_code`, by description (what `quoteAsync` passes from `classify`). */
  classified?: Record<string, { hs_code: string; score: number }[]>;
}

/** A destination the loaded pack covers. */
export interface PackDestination {
  /** ISO 3166-1 alpha-2. */
  code: string;
  /** English name. */
  name: string;
  /** ISO 4217 currency customs assess in (the quote's currency). */
  currency: string;
  /** `EU` for member states, else the destination's own code. */
  customs_territory: string;
  /** Sub-national tax regions (Canadian provinces); when non-empty, `destination_region` is required. */
  regions: { code: string; tax: string }[];
  /** Dates the rules cover: `from` inclusive, `refuse_from` exclusive; quotes after `verified_on` warn. */
  coverage: { from: string; verified_on: string; refuse_from: string };
  /** What the pack holds for it on the build date (the README's "What the pack holds" table). */
  holdings: PackHoldings;
}

/** Where duty rates come from, the import tax, thresholds, extra duty layers, fees and preference programmes. */
export interface PackHoldings {
  code: string;
  name: string;
  customs_territory: string;
  /** Dates quoted: `from` inclusive, `refuse_from` exclusive, refused windows inside (`until` exclusive), and the
   * periods whose duty comes from another source than on the build date (`tariff` null: duty unknown). */
  dates: {
    from: string;
    refuse_from: string;
    refused: { from: string; until: string; reason: string }[];
    duty_periods: { from: string; until: string | null; tariff: string | null }[];
  };
  /** A national tariff, or none: then duty above the thresholds is `duty_unknown`. */
  duty:
    | { kind: 'tariff'; tariff: string; dataset: string; rates_as_of: string; hs_edition: number; lines: number }
    | { kind: 'none'; reason: string };
  tax: { name: string; standard: string | null; reduced: number; regions: number } | null;
  /** Measures with a value test, e.g. `{rule: 'eu.ioss.vat_at_sale', amount: '150 EUR'}`. */
  thresholds: { rule: string; amount: string }[];
  /** Surcharge and notice measures in force (e.g. Section 301 layers). */
  layers: string[];
  fees: string[];
  /** Programmes an item may claim: `preference: {programme: id, originating: true}`. */
  preferences: { id: string; name: string; origins: string[]; rate: 'free' | 'column' }[];
  /** Whether the duty's base and amount are truncated by statute (Japan). */
  duty_truncation: boolean;
}

/** A dataset the pack was compiled from. */
export interface PackDataset {
  id: string;
  title: string;
  vintage: string;
  source: string;
  licence: string;
}

export interface PackInfo {
  /** Pack id, e.g. `landed-all`. */
  id: string;
  /** Data version of the pack. */
  version: string;
  /** Day the pack was compiled (`YYYY-MM-DD`). */
  build_date: string;
  /** Version of the basket/quote contract this engine speaks. */
  contract_version: string;
  destinations: PackDestination[];
  datasets: PackDataset[];
}

/** Stable error codes. The engine's input codes, the pack codes, and the package's own. */
export type LandedErrorCode =
  | 'invalid_json' | 'unknown_field' | 'missing_field' | 'invalid_value' | 'unknown_country'
  | 'unsupported_destination' | 'unknown_currency' | 'invalid_amount' | 'negative_amount' | 'invalid_quantity'
  | 'amount_too_large' | 'invalid_hs_code' | 'invalid_date' | 'date_out_of_coverage' | 'empty_basket'
  | 'too_many_items' | 'invalid_region' | 'fx_unavailable' | 'duplicate_item_id' | 'overflow'
  | 'pack_bad_magic' | 'pack_unsupported_version' | 'pack_truncated' | 'pack_corrupted' | 'pack_malformed'
  | 'empty_text' | 'classifier_unavailable'
  | 'hs_code_unknown' | 'hs_edition_ambiguous' | 'duplicate_entry'
  | 'preference_unknown' | 'preference_origin' | 'unknown_carrier'
  | 'not_initialized' | 'internal_error' | 'wasm_load_failed' | 'pack_changed';

/** Thrown by every function of this package. */
export declare class LandedError extends Error {
  constructor(message: string, code: string, path?: string, cause?: unknown);
  readonly name: 'LandedError';
  /** Stable machine-readable code, e.g. `negative_amount`. */
  readonly code: LandedErrorCode | (string & {});
  /** JSON path of the basket field at fault (`items[0].unit_price`); `''` when none. */
  readonly path: string;
}

/** Loads the module and a pack; resolves to the pack's description. Call before `quote`. */
export declare function init(input?: InitInput, options?: InitOptions): Promise<PackInfo>;
/** Quotes a basket (object or JSON text). Throws `LandedError`. The figures are computed at once; `explain` (a
 * formula and legal reference per figure) is rendered by the engine on first read, from the same basket and pack
 * (reading it after `init` loaded another pack throws `pack_changed`). */
export declare function quote(basket: Basket | string, options?: QuoteOptions): Quote;
/** The quote of a basket as JSON text, explain trail included (`JSON.stringify(quote(basket))` gives the same text):
 * for sending it on. Throws `LandedError`. */
export declare function quoteJson(basket: Basket | string, options?: QuoteOptions): string;
/** Loads the platform's confirmed HS codes by SKU (a `landed-catalogue` file, from the server's export): items whose
 * `id` it knows are quoted with their confirmed code, before any classifier. `null` unloads it. */
export declare function loadCatalogue(file: Catalogue | string | null): CatalogueInfo | null;
/** Quotes a basket, classifying items without `hs_code` with the lazily loaded classifier module first. */
export declare function quoteAsync(
  basket: Basket | string,
  options?: QuoteOptions & { classifier?: import('./classify.js').ClassifierOptions },
): Promise<Quote>;
/** Top-`k` HS 2022 subheadings for a product text; loads the classifier module on first use. */
export declare function classify(text: string, k?: number): Promise<import('./classify.js').Classification[]>;
/** The loaded pack. Throws `LandedError` (`not_initialized`) before `init`. */
export declare function packInfo(): PackInfo;
export default init;
