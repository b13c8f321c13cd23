/** What RuleBuilder shares with its nested groups and conditions (provide/inject, one builder per tree). */
import type { InjectionKey } from 'vue';
import type { Catalogue, GroupNode, RuleNode } from './rule-model.ts';

export interface RuleBuilderContext {
  catalogue: Catalogue;
  root: GroupNode;
  /** Messages for a node: the API's issues at its path, else what is still missing. */
  messagesFor(id: number): string[];
  addCondition(group: GroupNode): void;
  addGroup(group: GroupNode): void;
  remove(parent: GroupNode, node: RuleNode): void;
  canNest(group: GroupNode): boolean;
}

export const RULE_BUILDER: InjectionKey<RuleBuilderContext> = Symbol('rule-builder');
