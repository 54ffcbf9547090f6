// A partner's system asking a holder for data, from Node.js with @grpc/grpc-js, with nothing but the contracts in
// protos/: mutual TLS with the organisation's certificate, a bound access token, the holder in "exchange-holder",
// and error details decoded from google.rpc.Status. See docs/integrating.md.
//
//   EXCHANGE_GATEWAY=https://127.0.0.1:7400/ EXCHANGE_CA=ca.pem EXCHANGE_CERT=vt-mwb.pem EXCHANGE_KEY=vt-mwb.key \
//   EXCHANGE_TOKEN=<access token> node docs/examples/disclose.js <holder> <subject pseudonym>
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const protos = path.join(__dirname, '..', '..', 'protos');
const [holder, subject] = process.argv.slice(2);
const env = (name) => process.env[name] || fail(`set ${name}`);

// The contracts, as generated stubs need them...
const definition = loader.loadSync('exchange/v1/disclosures.proto', { includeDirs: [protos], longs: String, enums: String, defaults: false });
const { Disclosures } = grpc.loadPackageDefinition(definition).exchange.v1;
// ...and Google's error model, to read what a refusal says.
const errors = new protobuf.Root();
errors.resolvePath = (_, target) => path.join(protos, target);
errors.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);

const credentials = grpc.credentials.createSsl(
  fs.readFileSync(env('EXCHANGE_CA')), fs.readFileSync(env('EXCHANGE_KEY')), fs.readFileSync(env('EXCHANGE_CERT')));
const client = new Disclosures(new URL(env('EXCHANGE_GATEWAY')).host, credentials);

function metadata(withHolder) {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${env('EXCHANGE_TOKEN')}`);
  if (withHolder) {
    md.set('exchange-holder', holder);
  }
  return md;
}

// What a refusal carries: the status code, ErrorInfo.reason, and for INVALID_ARGUMENT the wrong fields.
function explain(error) {
  const [bytes] = error.metadata.get('grpc-status-details-bin');
  const status = errors.lookupType('google.rpc.Status').decode(bytes);
  const detail = (name) => status.details
    .filter((d) => d.type_url === `type.googleapis.com/google.rpc.${name}`)
    .map((d) => errors.lookupType(`google.rpc.${name}`).decode(d.value))[0];
  return {
    code: grpc.status[error.code],
    reason: detail('ErrorInfo')?.reason,
    fields: detail('BadRequest')?.fieldViolations.map((v) => v.field) ?? [],
  };
}

function request(withHolder) {
  const ask = {
    subject: { pseudonym: subject },
    purpose: 'PURPOSE_SAFETY_ASSESSMENT',
    categories: ['DATA_CATEGORY_INCIDENT'],
    legalBasis: { id: 'bpg-4-x' },
    requester: { role: 'veiligheidsbeoordelaar', professionalId: 'vt-4411' },
  };
  return new Promise((resolve) => client.Request(ask, metadata(withHolder), { deadline: Date.now() + 30_000 },
    (error, response) => resolve(error ? { refused: explain(error) } : { response })));
}

function fail(message) {
  console.error(message);
  process.exit(2);
}

(async () => {
  // Forgetting whose data you ask for is refused, and says so.
  const forgotten = await request(false);
  console.log(JSON.stringify({ without_holder: forgotten.refused }));

  const { response, refused } = await request(true);
  if (refused) {
    fail(JSON.stringify({ refused }));
  }
  console.log(JSON.stringify({
    decision: response.receipt.decision,
    legal_basis: response.receipt.legalBasis?.id,
    // A signal's payload is a google.protobuf.Any: its type URL names the message (e.g. police.v1.DomesticViolenceIncident).
    records: response.records.map((r) => r.payload.type_url.split('/').pop()),
  }));
  client.close();
})();
