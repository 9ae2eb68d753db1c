import type { Quote, Basket, ItemInput, LandedError } from './index.js';

/** What `cart` accepts: the items alone, or any basket fields (destination/currency/... may come from attributes). */
export type LandedCart = ItemInput[] | (Partial<Basket> & { items: ItemInput[] });

export interface LandedQuoteEventDetail {
  quote: Quote;
  basket: Basket;
}
export interface LandedQuoteErrorEventDetail {
  error: LandedError;
  basket: Basket;
}

/**
 * `<landed-quote destination currency region channel incoterm display-currency date locale>`. When the quote is not
 * complete (`quote.totals.complete` false) it says "Duty not included for …" and sets the `incomplete` attribute.
 */
export declare class LandedQuoteElement extends HTMLElement {
  static readonly observedAttributes: string[];
  /** The cart to quote. Setting it recomputes. */
  cart: LandedCart | null;
  /** The last quote, or null. */
  readonly quote: Quote | null;
  /** The last error, or null. */
  readonly error: LandedError | null;
  /** The basket built from `cart` and the attributes; null while destination, currency or items are missing. */
  readonly basket: Basket | null;
  /** Recomputes now (changes recompute automatically). */
  refresh(): Promise<void>;
}

/** Adds two non-negative decimal strings exactly. */
export declare function addDecimals(a: string, b: string): string;

declare global {
  interface HTMLElementTagNameMap {
    'landed-quote': LandedQuoteElement;
  }
  interface HTMLElementEventMap {
    'landed-quote': CustomEvent<LandedQuoteEventDetail>;
    'landed-quote-error': CustomEvent<LandedQuoteErrorEventDetail>;
  }
}
