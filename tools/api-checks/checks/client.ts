// Compiled with tsc --strict against the types openapi-typescript generates from /v3/api-docs:
// if ids stop being required strings or errors stop being the problem type, this fails to compile.
import type { components, paths } from "./nerve-api";

type Assert<T extends true> = T;
type Required<T, K extends keyof T> = undefined extends T[K] ? false : true;

type Memory = components["schemas"]["Memory"];
type Problem = components["schemas"]["Problem"];
type Stored = paths["/api/v1/memory/long-term"]["post"]["responses"]["201"]["content"]["application/json"];
type StoreRefused = paths["/api/v1/memory/long-term"]["post"]["responses"]["400"];
type RefusedBody = components["responses"]["400"]["content"]["application/problem+json"];
type Checks = paths["/api/v1/environment/checks"]["get"]["responses"]["200"]["content"]["application/json"];

export type MemoryIdIsARequiredString = Assert<Required<Memory, "id">>;
export type MemoryIdIsAString = Assert<Memory["id"] extends string ? true : false>;
export type StoredMemoryHasAnId = Assert<NonNullable<Stored["memory"]>["id"] extends string ? true : false>;
export type RefusalsAreProblems = Assert<RefusedBody extends Problem ? true : false>;
export type ProblemsHaveACode = Assert<Required<Problem, "code">>;
export type StoreCanBeRefused = Assert<StoreRefused extends object ? true : false>;
export type CheckStatusIsAnEnum = Assert<Checks["overall"] extends "OK" | "WARN" | "FAIL" | "SKIPPED" ? true : false>;

export function violationField(problem: Problem): string | undefined {
  return problem.violations?.[0]?.field;
}
