// Summarises the failed tests of a `dotnet test` log for the end of test.sh (see there):
//   node failure-summary.mjs RUN.log
// CI shows only the last lines of a run. When a shared fixture fails, hundreds of tests fail with the same
// message: list them per class, then each distinct error once, with the first lines of its first occurrence,
// so that the cause is on screen and not thousands of lines above.
import { readFileSync } from "node:fs";

const lines = readFileSync(process.argv[2], "utf8").split("\n");
const failures = [];
for (let i = 0; i < lines.length; i++) {
  const match = /^failed ([A-Za-z_][\w.]*)/.exec(lines[i]);
  if (!match) continue;
  const block = [];
  for (let j = i + 1; j < lines.length && /^\s/.test(lines[j]) && block.length < 400; j++) block.push(lines[j]);
  // The block starts with "from <assembly>"; the first other line is the exception and its message.
  const message = block.find((line) => !/^\s+from /.test(line))?.trim() ?? "(no message)";
  const name = match[1];
  failures.push({ name, testClass: name.split(".").slice(0, -1).join("."), message, block });
}

if (failures.length === 0) process.exit(0);

const count = (key) => {
  const counts = new Map();
  for (const failure of failures) counts.set(failure[key], (counts.get(failure[key]) ?? 0) + 1);
  return [...counts.entries()];
};

console.log(`failed tests by class (${failures.length} in all):`);
for (const [testClass, n] of count("testClass")) console.log(`  ${n} × ${testClass}`);

const messages = count("message");
console.log(`distinct errors (${messages.length}), the first lines of each one's first occurrence:`);
for (const [message, n] of messages.slice(0, 6)) {
  const first = failures.find((failure) => failure.message === message);
  console.log(`--- ${n} × e.g. ${first.name}`);
  for (const line of first.block.filter((line) => !/^\s+from /.test(line)).slice(0, 14)) console.log(line.slice(0, 300));
}
if (messages.length > 6) console.log(`--- and ${messages.length - 6} more distinct errors: see the log`);
