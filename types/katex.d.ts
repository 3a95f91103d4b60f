// katex ships its types behind an "exports" map that Node10 module resolution (which tslab forces,
// and this project therefore uses too) cannot see; this declares the one function the report uses.
declare module 'katex' {
  interface RenderOptions {
    displayMode?: boolean;
    throwOnError?: boolean;
    output?: 'html' | 'mathml' | 'htmlAndMathml';
  }
  const katex: { renderToString(tex: string, options?: RenderOptions): string };
  export default katex;
}
