// TypeDoc configuration: `pnpm docs` builds the API site into docs/api.
// The build fails on any validation warning: an undocumented public item
// (class, interface, method, property, accessor, function, option …) or a
// broken link. There is no allow-list: every public item of the listed
// packages carries a TSDoc comment.

/** @type {Partial<import("typedoc").TypeDocOptions>} */
export default {
  name: "zmq-ts",
  tsconfig: "./tsconfig.typedoc.json",
  entryPoints: [
    "packages/node/src/index.ts",
    "packages/node/src/draft.ts",
    "packages/web/src/index.ts",
    "packages/socket/src/index.ts",
    "packages/patterns/src/index.ts",
    "packages/transport/src/index.ts",
    "packages/wire/src/index.ts",
    "packages/curve/src/index.ts",
  ],
  out: "docs/api",
  readme: "none",
  // No "Defined in" source links: they need a hosted git remote, and a clone without one
  // (CI's, a tarball's) would make TypeDoc warn, which fails the build.
  disableSources: true,
  projectDocuments: ["docs/guides/*.md"],
  excludePrivate: true,
  excludeInternal: true,
  validation: {
    notExported: true,
    invalidLink: true,
    invalidPath: true,
    rewrittenLink: true,
    notDocumented: true,
    unusedMergeModuleWith: true,
  },
  requiredToBeDocumented: [
    "Module",
    "Namespace",
    "Enum",
    "EnumMember",
    "Variable",
    "Function",
    "Class",
    "Interface",
    "Constructor",
    "Property",
    "Method",
    "Accessor",
    "TypeAlias",
  ],
  packagesRequiringDocumentation: [
    "@zmq/node",
    "@zmq/web",
    "@zmq/socket",
    "@zmq/patterns",
    "@zmq/transport",
    "@zmq/wire",
    "@zmq/curve",
  ],
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
};
