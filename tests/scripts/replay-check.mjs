// Checks `exchange policy replay --output json` over the acceptance scenario's ledger (see test.sh):
//   node replay-check.mjs SAME.json CANDIDATE.json
// SAME: the active bundle replayed over its own decisions must change none of them (the replay is faithful).
// CANDIDATE: the bundle with HEALTH added to police-to-veilig-thuis must change exactly the police's push of the
// incident (with its injuries) to Veilig Thuis, from a partial permit to a permit that adds HEALTH.
import { readFileSync } from "node:fs";

const [same, candidate] = process.argv.slice(2).map((file) => JSON.parse(readFileSync(file, "utf8")));
const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };

expect(same.replayed > 0, `the scenario's ledger holds replayable decisions (got ${same.replayed})`);
expect(same.changed === 0, `the active bundle changes none of its own decisions (got ${same.changed})`);
expect(same.not_replayable === 0, `every decision recorded its facts (got ${same.not_replayable} without)`);

expect(candidate.changed === 1, `the candidate changes exactly one decision (got ${candidate.changed})`);
const change = candidate.changes[0] ?? {};
expect(change.holder === "politie-zwb" && change.recipient === "vt-mwb", `the change is police -> Veilig Thuis (got ${change.holder} -> ${change.recipient})`);
expect(change.kind === "PUSH" && change.purpose === "SAFETY_ASSESSMENT", `the change is the pushed incident (got ${change.kind} ${change.purpose})`);
expect(change.recorded?.decision === "PARTIAL_PERMIT" && change.replayed?.decision === "PERMIT", "PARTIAL_PERMIT becomes PERMIT");
expect(JSON.stringify(change.released_added) === '["HEALTH"]' && change.released_removed?.length === 0, "only HEALTH is added");
expect(candidate.by_rule?.some((r) => r.rule === "police-to-veilig-thuis" && r.changed === 1), "listed under rule police-to-veilig-thuis");
expect(candidate.by_pair?.length === 1, "one organisation pair is affected");

if (failures.length > 0) {
  console.error(`replay check failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`replay: ${same.replayed} recorded decisions; the bundle as it is changes none, the candidate exactly the expected one`);
