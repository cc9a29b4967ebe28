/** The part of rison-node (a CommonJS module without types) the Discover links use. */
declare module 'rison-node' {
  const rison: { encode(value: unknown): string };
  export default rison;
}
