// Lint rules for the library, scripts, tests and the notebooks' code (scripts/lint.ts feeds the
// notebooks in as one module each). Formatting is Prettier's business, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'report/', 'data/', '.typecheck-*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        SharedArrayBuffer: 'readonly',
        Atomics: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // require() only where a package is optional and loaded when present (tfjs-node, wasm, the
      // explorer's plotting stack) or where a test needs tslab's mutable module object.
      '@typescript-eslint/no-require-imports': [
        'error',
        { allow: ['^@tensorflow/', '^nodeplotlib/', '^@nestjs/', '^rxjs$', '^plotly\\.js-dist-min/', '^tslab/'] },
      ],
    },
  },
  {
    // The kernel's launcher is plain CommonJS that Node runs directly (no TypeScript at that point).
    files: ['jupyter/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
