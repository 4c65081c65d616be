// The shared analysis, and the one module rules import analysis from. `Analysis` is created once per file run
// (its caches live as long as the file's run); the functions below are stateless and take the checker adapter.
import ts = require('typescript');
import type { RuleSettings } from '../rule';
import type { TypeQueries } from '../types';
import { outerExpression, thisProperty, unwrap } from './expressions';
import { adoptedByOwner, releasedByOwnTeardown } from './disposables';
import { onOwnEndOfPassingSource } from './end-events';
import { LifecycleAnalysis } from './lifecycle';
import { addsNothingToTarget, outlivesOwner, runsOncePerApplication, waitsForOneTimeEvent } from './lifetime';
import { ownerOf, type Owner } from './owner';
import { OwnershipAnalysis, type LocalUses, type Releasers } from './ownership';
import { isPlatformHandle, unreleasedOwnedField, type OwnedField } from './owning-fields';
import { RELEASE_METHODS, acquiringExpression, keptByReceiver, mayReturnResource, resourceInfo, type ResourceInfo } from './resource';
import { callsFactory } from './summaries';

/** A resource that no variable holds and whose last use is one call on it (see `Analysis.droppedTemporary`). */
export interface DroppedTemporary {
  info: ResourceInfo;
  /** The last call made on it, whose result is no longer the resource. */
  lastUse: ts.CallExpression;
}

export class Analysis {
  readonly ownership: OwnershipAnalysis;
  readonly lifecycle: LifecycleAnalysis;
  private readonly lifecycles = new Map<string, LifecycleAnalysis>();

  constructor(
    private readonly types: TypeQueries,
    private readonly settings: RuleSettings,
  ) {
    this.ownership = new OwnershipAnalysis(types, settings.sinks);
    this.lifecycle = new LifecycleAnalysis(types, settings.teardownMethods);
  }

  /** The class lifecycle with a rule's own extra teardown names (its `teardownMethods` option) besides the config's. */
  lifecycleWith(extraTeardowns: readonly string[]): LifecycleAnalysis {
    if (!extraTeardowns.length) return this.lifecycle;
    const key = extraTeardowns.join('\0');
    let lifecycle = this.lifecycles.get(key);
    if (!lifecycle) {
      lifecycle = new LifecycleAnalysis(this.types, [...this.settings.teardownMethods, ...extraTeardowns]);
      this.lifecycles.set(key, lifecycle);
    }
    return lifecycle;
  }

  ownerOf(node: ts.Node): Owner {
    return ownerOf(node);
  }

  /** Code that runs once for the whole application: what it registers or acquires is no leak (see lifetime.ts). */
  runsOncePerApplication(node: ts.Node): boolean {
    return runsOncePerApplication(this.types, node);
  }

  /** A registration that waits for an event that fires once for the application, and only until it fires (see lifetime.ts). */
  waitsForOneTimeEvent(call: ts.CallExpression): boolean {
    return waitsForOneTimeEvent(this.types, call);
  }

  /**
   * True when the value at `target` (an emitter, a connection, a stream) lives longer than `owner`, so what is
   * registered on it outlives the owner. A source that dies with the owner takes its registrations along: `this`,
   * locals and fields the owner creates, fields the class's teardown releases (`this.proxy.destroy()`), and a
   * method's parameter it hands to such a field (`this._disposables.push(reader)`), and a constructor parameter's
   * member the teardown releases (`options.transport`, ended by `this.options.transport.dispose()`).
   */
  outlivesOwner(target: ts.Expression, owner: Owner, lifecycle: LifecycleAnalysis = this.lifecycle): boolean {
    if (!outlivesOwner(this.types, target, owner)) return false;
    if (owner.kind !== 'class') return true;
    const x = unwrap(target);
    if (ts.isCallExpression(x) && lifecycle.stopsKeyedCall(owner.cls, x)) return false;
    if (adoptedByOwner(this.types, lifecycle, target, owner.cls)) return false;
    if (releasedByOwnTeardown(this.types, lifecycle, target, owner.cls)) return false;
    const property = thisProperty(target);
    const field = property && this.types.symbolAt(property.name);
    return !field || !lifecycle.releasesField(owner.cls, field, { methods: RELEASE_METHODS });
  }

  /** `peer.onDispose`, `tab.destroyed$`: the end event of a source handed in for one call, which goes with it (see end-events.ts). */
  onOwnEndOfPassingSource(event: ts.Expression): boolean {
    return onOwnEndOfPassingSource(this.types, event);
  }

  /**
   * A handler that holds nothing but its target (a parameter), primitives and module-level values, on a target every
   * call of the function makes or receives anew: it keeps nothing alive that the target does not (see lifetime.ts).
   */
  addsNothingToTarget(target: ts.Expression, handler: ts.Expression): boolean {
    return addsNothingToTarget(this.types, target, handler);
  }

  /** The resource a field assignment or initialiser makes the class own and nothing releases (see owning-fields.ts). */
  unreleasedOwnedField(
    node: ts.BinaryExpression | ts.PropertyDeclaration,
    lifecycle: LifecycleAnalysis = this.lifecycle,
  ): OwnedField | undefined {
    const owned = unreleasedOwnedField(
      this.types,
      lifecycle,
      node,
      (call) => this.ownership.keptByCallee(call),
      (e, owner) => this.outlivesOwner(e, owner, lifecycle),
    );
    // an instance made once for the application is torn down at most once: what its teardown misses does not pile up,
    // unless it is an OS handle, which a teardown that runs (at the end of a session, a test) must still close
    if (owned && !isPlatformHandle(this.types, owned.acquire, owned.info) && runsOncePerApplication(this.types, owned.acquire))
      return undefined;
    return owned;
  }

  /**
   * The call or `new` that acquires what `init` evaluates to (through `await` and wrappers): `new X()`, an acquiring
   * call by name (`create…`, `open…`, …, see resource.ts), or a call of a factory of the program, whose every return
   * is a `new` object (`find(q) { return new Cursor(q); }`) and whose declared type may be a resource.
   */
  acquisition(init: ts.Expression): ts.CallExpression | ts.NewExpression | undefined {
    const named = acquiringExpression(init);
    if (named) return named;
    const call = unwrap(init, { await: true });
    return ts.isCallExpression(call) && callsFactory(this.types, call) && mayReturnResource(this.types, call) ? call : undefined;
  }

  /**
   * A resource made into no variable (`createRunner().query(sql)`, `this.find(q).limit(1).next()`) and used only as the
   * receiver of calls that return it, up to one whose result is no resource: nothing can release it after that. It is
   * made by an acquisition (above), in code that may run more than once, and its maker does not keep it (ownership.ts).
   */
  droppedTemporary(made: ts.CallExpression | ts.NewExpression): DroppedTemporary | undefined {
    const member = outerExpression(made).parent;
    if (!ts.isPropertyAccessExpression(member) || !ts.isCallExpression(member.parent)) return undefined; // the shape first
    const info = this.acquisition(made) === made ? this.resource(made) : undefined;
    if (info?.kind !== 'handle' || keptByReceiver(this.types, made) || this.ownership.keptByCallee(made)) return undefined;
    const fate = this.ownership.temporaryFate(made, { methods: info.releaseMethods }, (call) => this.resource(call)?.kind === 'handle');
    if (fate.kind !== 'dropped' || runsOncePerApplication(this.types, made)) return undefined;
    return { info, lastUse: fate.call };
  }

  resource(node: ts.Node): ResourceInfo | undefined {
    return this.types.typeFact(node, 'resource', () => resourceInfo(this.types, this.types.typeAt(node)));
  }

  usesOf(name: ts.Identifier, releasers: Releasers): LocalUses {
    return this.ownership.usesOf(name, releasers);
  }
}

export { accessPathKey, aliasPaths, tableEntryKey } from './access-path';
export { chosenByUser, fileOrProcessWork, isLimiterCall, unlimitedLibraryIteration } from './async-work';
export type { AsyncWork, LibraryIteration } from './async-work';
export {
  collectionKind,
  collectionKindAt,
  comparesWithLimit,
  containerUses,
  deletedUndisposedEntry,
  entryForHandedInObject,
  entryPerHandlerEvent,
  growsOnlyWithDistinctKeys,
  holdsFixedEntries,
  isRepeatedAdd,
  keyType,
  keyFromBoundedDomain,
  longLivedContainer,
  mapStoreOf,
  neverCalled,
  perCallEntriesInValues,
  perEventEntry,
  aliasedEntry,
  pinsObjectKeys,
  releasedApart,
  replacesUnseenEntry,
  valueType,
} from './collections';
export type {
  CollectionKind,
  DeletedEntry,
  Container,
  ContainerUse,
  ContainerUseKind,
  Lifetime,
  MapStore,
  PerEventEntry,
  AliasedEntry,
} from './collections';
export { PLATFORM, declaredBy, namesSpec, nodeModule } from './declarations';
export type { DeclarationSource, DeclarationSpec } from './declarations';
export {
  createdDisposable,
  disposableContainer,
  extensionContextInScope,
  hasRegisterMethod,
  passesCallback,
  tracksItself,
} from './disposables';
export {
  LISTENER_REGISTRATIONS,
  LISTENER_REMOVALS,
  ONCE_REGISTRATIONS,
  PERSISTENT_REGISTRATIONS,
  REMOVE_ALL_LISTENERS,
  SIGNAL_CLEANUPS,
  SIGNAL_CONNECT,
  SIGNAL_DISCONNECT,
  isSignalConnection,
  removalsOf,
  untypedRemovalOf,
} from './events';
export { endingSourceOf } from './end-events';
export {
  assignedName,
  boundNames,
  calledName,
  calleeName,
  calleePath,
  isAssignment,
  isThisObject,
  outerExpression,
  rootIdentifier,
  stringProperty,
  thisField,
  thisProperty,
  unwrap,
} from './expressions';
export { TIMER_STARTS, isPlatformSymbol, isTimerClear, platformCallName, timerProviderClear } from './globals';
export { BODY_CONSUMERS, closesIdleSockets, isRequestPoolOption, requestCall, responseCall } from './http';
export { acquiredAfterCleanup, callsMethod, fieldKeepingResultOf, returnedCleanups } from './lifecycle';
export type { ClassLifecycle, LifecycleAnalysis } from './lifecycle';
export { callsOfMethod, createsValue, isViewComponent, repeatedHookOf } from './lifetime';
export { enclosingFunction, inInstanceMemberOf, statementIn, statementList } from './owner';
export type { Owner } from './owner';
export { droppedObserver } from './observers';
export type { DroppedObserver } from './observers';
export { EVENT_DRIVEN_METHODS } from './ownership';
export type { HandOff, LocalUses, Releasers, TemporaryFate, Use, UseKind } from './ownership';
export { ownedFieldReport, releasedReplacementReport } from './owning-fields';
export type { OwnedField, OwnedFieldMessages } from './owning-fields';
export {
  OUT_OF_SCOPE_MESSAGE,
  containsExit,
  answeredWithoutReturning,
  endsProcess,
  exitsBeforeFirstUse,
  exitsDroppingValue,
  isUnreachable,
  leavesLoop,
  missedRelease,
  outOfScope,
  pathsDroppingValue,
  successOnlyHandOff,
  uncoveredExit,
  uncoveredExits,
} from './paths';
export type { DroppingPaths, MissedRelease, SuccessOnlyHandOff } from './paths';
export { PROCESS_STOPS, ignoredCancellation, processStart, runsToItsEnd } from './processes';
export type { IgnoredCancellation, ProcessStart } from './processes';
export {
  RELEASE_METHODS,
  acquiringExpression,
  callbackAcquisition,
  callbackHandle,
  endedByUser,
  handleFunction,
  isCallTo,
  keptByReceiver,
  mayBeNullish,
  mayReturnResource,
  releasedThroughSubscription,
  resourceInfo,
  waitsForItsEnd,
} from './resource';
export type { CallbackAcquisition, CallbackHandle, HandleFunction, ResourceInfo, ResourceKind } from './resource';
export { argumentFate } from './summaries';
export {
  COMPLETING_OPERATORS,
  chainSources,
  completesItself,
  forwardsToOuterSubscriber,
  isObservable,
  keptAsSubscription,
  observableChain,
} from './rx';
export type { ObservableChain } from './rx';
export { chunkSourceAt, isStream, listenerOwnedSocket, openPipeSource, pipesToItsEnd } from './streams';
export type { ChunkSource, ListenerOwnedSocket, OpenPipeSource } from './streams';
export { findNode, referencesTo, refersTo, someCall, someNode } from './walk';
