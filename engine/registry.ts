// A document registry that hands a program update the file it already holds when the file's version did not change.
// TypeScript's registry works out the bucket and entry of each of a program's files at every update (compilation
// settings, script kind, module format: ~2.5 µs a file); a keystroke in a project of 2,000 files changes one of them.
import ts = require('typescript');

export function keepingUnchanged(registry: ts.DocumentRegistry): ts.DocumentRegistry {
  /** By bucket (settings key, module format, script kind), then path: the file the registry last handed out. */
  const held = new Map<string, Map<ts.Path, ts.SourceFile>>();
  const bucketOf = (key: ts.DocumentRegistryBucketKey, format: ts.ResolutionMode, kind: ts.ScriptKind | undefined) => {
    const name = `${key}|${format}|${kind}`;
    let bucket = held.get(name);
    if (!bucket) held.set(name, (bucket = new Map()));
    return bucket;
  };
  const formatOf = (options: ts.ScriptTarget | ts.CreateSourceFileOptions | undefined): ts.ResolutionMode =>
    typeof options === 'object' ? options.impliedNodeFormat : undefined;
  return {
    ...registry,
    acquireDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options) {
      const file = registry.acquireDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options);
      bucketOf(key, formatOf(options), scriptKind).set(path, file);
      return file;
    },
    updateDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options) {
      const bucket = bucketOf(key, formatOf(options), scriptKind);
      const kept = bucket.get(path);
      // the registry itself answers an update of the same version with the file it holds, counting nothing; a call
      // that leaves the script kind or module format to the registry to work out is passed on
      if (kept && versionOf(kept) === version && scriptKind !== undefined && typeof options === 'object') return kept;
      const file = registry.updateDocumentWithKey(fileName, path, host, key, snapshot, version, scriptKind, options);
      bucket.set(path, file);
      return file;
    },
    releaseDocumentWithKey(
      path: ts.Path,
      key: ts.DocumentRegistryBucketKey,
      scriptKind?: ts.ScriptKind,
      impliedNodeFormat?: ts.ResolutionMode,
    ) {
      // a release need not name the script kind or module format: dropping the path from every bucket costs a miss
      for (const bucket of held.values()) bucket.delete(path);
      registry.releaseDocumentWithKey(path, key, scriptKind as ts.ScriptKind, impliedNodeFormat);
    },
    // the calls by file name rather than key: nothing held may outlive what they release
    acquireDocument(...args: Parameters<ts.DocumentRegistry['acquireDocument']>) {
      held.clear();
      return registry.acquireDocument(...args);
    },
    updateDocument(...args: Parameters<ts.DocumentRegistry['updateDocument']>) {
      held.clear();
      return registry.updateDocument(...args);
    },
    releaseDocument(fileName: string, settings: ts.CompilerOptions, scriptKind?: ts.ScriptKind, impliedNodeFormat?: ts.ResolutionMode) {
      held.clear();
      registry.releaseDocument(fileName, settings, scriptKind as ts.ScriptKind, impliedNodeFormat);
    },
  };
}

/** The version a language service gave the file it made (TypeScript keeps it on the file; the public API does not declare it). */
const versionOf = (file: ts.SourceFile): string | undefined => (file as ts.SourceFile & { version?: string }).version;
