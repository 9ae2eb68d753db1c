// Types of `landed/classify`: the HS classifier module, loaded on demand.

export interface ClassifierOptions {
  /** Where `landed_wasm_classify_bg.wasm` is (default: next to this package). */
  wasm?: string | URL;
  /** The directory holding `model.onnx`, `tokenizer.json` and `labels.json` (default: `pkg/model/` of this package). */
  model?: string | URL;
}

/** One ranked HS 2022 subheading. */
export interface Classification {
  /** Six digits. */
  hs_code: string;
  /** Calibrated probability in [0, 1]. */
  score: number;
}

/** Loads the classifier module and the model; later calls share the first load. */
export declare function loadClassifier(options?: ClassifierOptions): Promise<{ labels: number }>;
/** Top-`k` subheadings for a product text, best first. Throws `LandedError` (`empty_text`, `not_initialized`). */
export declare function classify(text: string, k?: number): Classification[];
