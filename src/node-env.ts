/**
 * Production settings unless asked otherwise (`NODE_ENV=development npm start`, or `npm run dev`).
 * A module of its own that `main.ts` imports first: graphql-js (its cross-realm `instanceOf` checks)
 * and Express read `NODE_ENV` as they load, and a module's static imports all load before its own
 * code runs.
 */
process.env.NODE_ENV ??= 'production';
