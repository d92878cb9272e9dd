// @ts-check
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const repository = import.meta.dirname;
const sagaRoot = resolve(repository, 'libs/saga');
const topLevelFolders = readdirSync(repository, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
  .map((entry) => entry.name);

/**
 * libs/saga is published on its own (@zhongtai/saga), so nothing in it may import the rest of
 * the repository: no `@zhongtai/*` alias but its own, no relative path that climbs out of
 * libs/saga, no absolute path, no path from the repository's root (`libs/...`, `apps/...`).
 */
const sagaStaysInside = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      outside:
        "'{{source}}' is outside libs/saga: the published package cannot import it; move what is needed into libs/saga",
    },
  },
  create(context) {
    const from = dirname(context.filename);
    const leaves = (source) => {
      if (source.startsWith('@zhongtai/')) return !/^@zhongtai\/saga(\/|$)/.test(source);
      if (isAbsolute(source)) return true;
      if (source.startsWith('.')) {
        const target = relative(sagaRoot, resolve(from, source));
        return target === '..' || target.startsWith('../') || isAbsolute(target);
      }
      return topLevelFolders.includes(source.split('/')[0]);
    };
    const check = (node) => {
      if (node && node.type === 'Literal' && typeof node.value === 'string' && leaves(node.value))
        context.report({ node, messageId: 'outside', data: { source: node.value } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSExternalModuleReference: (node) => check(node.expression),
      TSImportType: (node) => check(node.argument.type === 'TSLiteralType' ? node.argument.literal : node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'libs/saga/dist/**',
      '.stryker-tmp/**',
      'reports/**',
      'node_modules/**',
      'coverage/**',
      '.run/**',
      'jest.config.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // Apps meet only over NATS; libraries never reach into an app (DESIGN.md).
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/apps/*', '../../apps/**'], message: 'apps meet only over NATS, through libs/contracts' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/saga/**'],
    plugins: { saga: { rules: { 'stays-inside': sagaStaysInside } } },
    rules: { 'saga/stays-inside': 'error' },
  },
  {
    files: ['scripts/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off', 'no-console': 'off' },
  },
  {
    // bench:peers' peer engines: plain CommonJS run by Node from bench/peers (their packages are
    // in bench/peers/node_modules, outside the root's typecheck).
    files: ['bench/peers/engines/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: Object.fromEntries(
        ['process', 'console', 'Buffer', 'fetch', 'setTimeout', 'clearTimeout', '__dirname'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
