import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Each context reaches its tables only through its repositories (`*.repository.ts`); the database
 * lib, migrations, and tests that drive the database from outside are the other places allowed to
 * hold a DataSource, an EntityManager or a `.query(` call.
 */

const DATA_ACCESS_MESSAGE = 'Tables are reached through a repository (*.repository.ts) of the context that owns them.';
const DATA_ACCESS = [
  {
    selector: "ImportDeclaration[source.value='typeorm'] ImportSpecifier[imported.name=/^(DataSource|EntityManager|QueryRunner)$/]",
    message: DATA_ACCESS_MESSAGE,
  },
  {
    selector: "ImportDeclaration[source.value='@nestjs/typeorm'] ImportSpecifier[imported.name=/^(InjectDataSource|InjectEntityManager|InjectRepository)$/]",
    message: DATA_ACCESS_MESSAGE,
  },
  { selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='query']", message: DATA_ACCESS_MESSAGE },
  // A transaction (`Tx`) is opaque outside repositories: only they open it.
  { selector: "ImportDeclaration[source.value='@kindred/database'] ImportSpecifier[imported.name=/^(manager|asTx)$/]", message: DATA_ACCESS_MESSAGE },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'apps/web/dist/**', 'docs/**', 'apps/web/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // No deep relative imports across folders: use the @kindred/* alias.
      'no-restricted-imports': ['error', { patterns: [{ group: ['../../*'], message: 'Import other libs through @kindred/<name>.' }] }],
    },
  },
  {
    // The web app runs in the browser, not in Node.
    files: ['apps/web/**/*.{ts,tsx,mts}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The Rules of React and of accessible markup, as their recommended sets say.
    files: ['apps/web/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    ...jsxA11y.flatConfigs.recommended,
  },
  {
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/*.repository.ts', 'libs/database/**', '**/migrations/**', 'apps/web/**'],
    rules: { 'no-restricted-syntax': ['error', ...DATA_ACCESS] },
  },
  {
    // Tests drive the apps from outside, so they may reach into apps/ by path.
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    // Tests read loosely typed JSON bodies; `any` there is a reading aid, not a design choice.
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
);
