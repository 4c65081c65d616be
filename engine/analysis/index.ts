// The shared analysis every rule uses, created once per file run (its caches live as long as the file's run).
import ts = require('typescript');
import type { RuleSettings } from '../rule';
import type { TypeQueries } from '../types';
import { LifecycleAnalysis, skipChain } from './lifecycle';
import { outlivesOwner } from './lifetime';
import { isProgramLifetime, ownerOf, type Owner } from './owner';
import { OwnershipAnalysis, type LocalUses, type Releasers } from './ownership';
import { RELEASE_METHODS, resourceInfo, type ResourceInfo } from './resource';

export class Analysis {
  readonly ownership: OwnershipAnalysis;
  readonly lifecycle: LifecycleAnalysis;

  constructor(
    private readonly types: TypeQueries,
    settings: RuleSettings,
  ) {
    this.ownership = new OwnershipAnalysis(types, settings.sinks);
    this.lifecycle = new LifecycleAnalysis(types, settings.teardownMethods);
  }

  ownerOf(node: ts.Node): Owner {
    return ownerOf(node);
  }

  /** Code that runs once per program (module top level, static initialisers, top-level IIFEs). */
  isProgramLifetime(node: ts.Node): boolean {
    return isProgramLifetime(node);
  }

  /**
   * True when the value at `target` (an emitter, a connection, a stream) lives longer than `owner`, so what is
   * registered on it outlives the owner. A source that dies with the owner takes its registrations along: `this`,
   * locals and fields the owner creates, and fields the class's teardown releases (`this.proxy.destroy()`).
   */
  outlivesOwner(target: ts.Expression, owner: Owner): boolean {
    if (!outlivesOwner(this.types, target, owner)) return false;
    if (owner.kind !== 'class') return true;
    const e = skipChain(target);
    const field =
      ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword ? this.types.symbolAt(e.name) : undefined;
    return !field || !this.lifecycle.releasesField(owner.cls, field, { methods: RELEASE_METHODS });
  }

  resource(node: ts.Node): ResourceInfo | undefined {
    return resourceInfo(this.types, this.types.typeAt(node));
  }

  usesOf(name: ts.Identifier, releasers: Releasers): LocalUses {
    return this.ownership.usesOf(name, releasers);
  }
}

export type { Owner } from './owner';
export type { LocalUses, Releasers, Use, UseKind } from './ownership';
export type { ResourceInfo } from './resource';
export type { ClassLifecycle } from './lifecycle';
