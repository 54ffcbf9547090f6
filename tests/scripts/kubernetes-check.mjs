// Checks the Kubernetes manifests of deploy/kubernetes, rendered by `kubectl kustomize`, against the exchange they
// describe (see test.sh):
//   node kubernetes-check.mjs PROCESSES.json RENDERED.yaml...
// PROCESSES.json: `dotnet run --project deploy/Exchange.Local -- --list-processes`, the processes of the one typed
// topology (deploy/Exchange.Topology): which Deployments must exist, what each is configured with, which domains each
// domain service serves. Every object must validate against the Kubernetes API schema (npm kubernetes-models; the
// CloudNativePG Cluster, a CRD it has no schema for, is checked by hand).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const modules = join(root, ".tools", "node_modules");
const YAML = createRequire(join(modules, "_"))("yaml");

const [processesFile, ...renderedFiles] = process.argv.slice(2);
if (!processesFile || renderedFiles.length === 0) {
  console.error("usage: node kubernetes-check.mjs PROCESSES.json RENDERED.yaml...");
  process.exit(2);
}
// A witness is kept outside the operator's control (a partner, the supervising authority): not deployed here.
const processes = JSON.parse(readFileSync(processesFile, "utf8")).processes.filter((p) => p.runByOperator);
let failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); return ok; };

// The services serve gRPC health (grpc.health.v1, mapped by ServiceDefaults and the gateway) and no HTTP health
// path. Kubelet's own gRPC probe speaks plaintext only, and every listener here is TLS, so the probe is the
// grpc_health_probe client in the image with the pod's certificates.
const healthProbe = "grpc_health_probe";
// Settings that hold a secret by name; their value must come from a Secret (or be a path to a mounted one).
const secretName = /(password|secret|token|key|credential|connectionstring)/i;
const looksSecret = (value) => /-----BEGIN|password=|pwd=/i.test(value);
const isPathOrUrl = (value) => value.startsWith("/") || /^https?:\/\//.test(value);

async function schemaOf(apiVersion, kind) {
  const file = join(modules, "kubernetes-models", apiVersion, `${kind}.js`);
  try {
    return (await import(pathToFileURL(file).href))[kind];
  } catch {
    return null;
  }
}

function matches(selector, labels) {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function checkCnpgCluster(o, where) {
  // CloudNativePG's Cluster (postgresql.cnpg.io/v1): the fields its CRD requires or that this example relies on.
  const s = o.spec ?? {};
  expect(Number.isInteger(s.instances) && s.instances >= 1, `${where}: spec.instances is a positive integer`);
  expect(typeof s.storage?.size === "string" && /^\d+(Gi|Mi|Ti)$/.test(s.storage.size), `${where}: spec.storage.size is a quantity`);
  expect(typeof s.bootstrap?.initdb?.database === "string" && typeof s.bootstrap?.initdb?.owner === "string", `${where}: bootstrap.initdb names database and owner`);
  expect(!s.bootstrap?.initdb?.secret && !s.superuserSecret, `${where}: no credentials given inline (the operator generates them)`);
  const known = new Set(["instances", "imageName", "primaryUpdateStrategy", "minSyncReplicas", "maxSyncReplicas", "postgresql", "bootstrap", "storage", "resources"]);
  for (const k of Object.keys(s)) expect(known.has(k), `${where}: spec.${k} is a field this check knows of the Cluster CRD`);
}

function load(file) {
  const objects = [];
  for (const d of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    expect(d.errors.length === 0, `${file}: YAML parses (${d.errors[0]?.message})`);
    const o = d.toJS();
    if (o) objects.push(o);
  }
  return objects;
}

async function check(file, objects) {
  const where = (o) => `${file}: ${o.kind}/${o.metadata?.name}`;

  // Every object validates against the API schema of its kind.
  for (const o of objects) {
    if (o.apiVersion === "postgresql.cnpg.io/v1" && o.kind === "Cluster") {
      checkCnpgCluster(o, where(o));
      continue;
    }
    const Model = await schemaOf(o.apiVersion, o.kind);
    if (!expect(Model, `${where(o)}: ${o.apiVersion} ${o.kind} has a schema in kubernetes-models`)) continue;
    try {
      new Model(o).validate();
    } catch (error) {
      failures.push(`${where(o)} does not validate: ${error.message.split("\n")[0]}`);
    }
  }

  const of = (kind) => objects.filter((o) => o.kind === kind);
  const deployments = of("Deployment");
  const services = of("Service");
  const configMaps = new Map(of("ConfigMap").map((c) => [c.metadata.name, c.data ?? {}]));
  const policies = of("NetworkPolicy");
  const byName = new Map(deployments.map((d) => [d.metadata.name, d]));
  const podLabels = (d) => d.spec.template.metadata.labels ?? {};
  const envOf = (d) => {
    const c = d.spec.template.spec.containers[0];
    const env = new Map();
    for (const ref of c.envFrom ?? []) {
      const data = ref.configMapRef && configMaps.get(ref.configMapRef.name);
      expect(data, `${file}: Deployment/${d.metadata.name} reads ConfigMap ${ref.configMapRef?.name}, which is rendered`);
      for (const [k, v] of Object.entries(data ?? {})) env.set(k, { value: v });
    }
    for (const e of c.env ?? []) env.set(e.name, e);
    return env;
  };

  // Every process of the topology has its Deployment, and nothing else is deployed.
  const names = new Set(processes.map((p) => p.name));
  for (const d of deployments) expect(names.has(d.metadata.name), `${file}: Deployment/${d.metadata.name} is a process of the topology`);
  for (const p of processes) {
    const d = byName.get(p.name);
    if (!expect(d, `${file}: the topology's process ${p.name} has a Deployment`)) continue;
    const w = `${file}: Deployment/${p.name}`;
    const pod = d.spec.template.spec;
    const c = pod.containers[0];
    const env = envOf(d);
    const value = (k) => env.get(k)?.value;
    const image = p.assembly.toLowerCase().replaceAll(".", "-");
    expect(new RegExp(`(^|/)${image}(:[\\w.-]+)?$`).test(c.image), `${w}: runs the build of ${p.assembly} (image ${c.image})`);

    // The configuration sections the topology gives this process are configured here too.
    for (const section of p.sections) {
      expect([...env.keys()].some((k) => k.startsWith(`${section}__`)), `${w}: configures section ${section}, as the topology does`);
    }

    // The listener: TLS on the container's port; client certificates as the topology asks for them at the edge,
    // and required between services (mTLS) where the loopback launcher speaks h2c.
    const url = /^https:\/\/0\.0\.0\.0:(\d+)$/.exec(value("Endpoint__Url") ?? "");
    expect(url, `${w}: listens with TLS on all addresses (Endpoint__Url ${value("Endpoint__Url")})`);
    const port = Number(url?.[1]);
    const containerPort = c.ports?.find((x) => x.containerPort === port);
    expect(containerPort, `${w}: the container declares the port it listens on (${port})`);
    expect(value("Endpoint__CertificatePath") && value("Endpoint__KeyPath"), `${w}: has a server certificate`);
    const wanted = p.tls ? p.clientCertificate : "required";
    const got = value("Endpoint__RequireClientCertificate") === "true" ? "required" : value("Endpoint__ClientCaPath") ? "optional" : "none";
    expect(got === wanted, `${w}: client certificates ${wanted} (got ${got})`);
    if (got !== "none") expect(value("Endpoint__ClientRevocationListPath"), `${w}: checks client certificates against the CA's CRL`);

    // Every file a setting names is mounted (from a Secret, a ConfigMap or a volume); /app is the image.
    const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath);
    const mounted = (path) => mounts.some((m) => path === m || path.startsWith(m + "/"));
    for (const [k, e] of env) {
      if (typeof e.value === "string" && e.value.startsWith("/") && !e.value.startsWith("/app/")) {
        expect(mounted(e.value), `${w}: ${k} (${e.value}) is on a mounted volume`);
      }
    }
    const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
    for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name), `${w}: volume ${m.name} is declared`);

    // Probes: the gRPC health service on the port the service listens on, with TLS and the pod's certificates.
    for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const probe = c[kind];
      if (!expect(probe, `${w}: has a ${kind}`)) continue;
      expect(!probe.httpGet, `${w}: ${kind} is no HTTP GET (the services serve no HTTP health path)`);
      if (probe.grpc) {
        // Every listener here is TLS, which kubelet's own gRPC probe does not speak.
        failures.push(`${w}: ${kind} uses kubelet's gRPC probe, which cannot speak TLS to port ${probe.grpc.port}`);
        continue;
      }
      const args = probe.exec?.command ?? [];
      const arg = (name) => args.find((a) => a.startsWith(`-${name}=`))?.slice(name.length + 2);
      expect(args[0] === healthProbe, `${w}: ${kind} runs ${healthProbe} (grpc.health.v1)`);
      expect(arg("addr") === `127.0.0.1:${port}`, `${w}: ${kind} asks the port the service listens on (${arg("addr")} vs ${port})`);
      expect(args.includes("-tls") && arg("tls-server-name") === p.name, `${w}: ${kind} speaks TLS and checks the certificate's name ${p.name}`);
      expect(!arg("service"), `${w}: ${kind} asks the overall health (no -service)`);
      for (const f of ["tls-ca-cert", "tls-client-cert", "tls-client-key"]) expect(arg(f) && mounted(arg(f)), `${w}: ${kind} -${f} is a mounted file`);
    }

    // Resources, and a container that cannot do more than serve.
    for (const r of ["requests", "limits"]) for (const q of ["cpu", "memory"]) expect(c.resources?.[r]?.[q], `${w}: sets ${r}.${q}`);
    const sc = c.securityContext ?? {};
    expect((sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) === true, `${w}: runs as non-root`);
    expect(sc.readOnlyRootFilesystem === true && sc.allowPrivilegeEscalation === false, `${w}: read-only root, no privilege escalation`);
    expect(JSON.stringify(sc.capabilities?.drop) === '["ALL"]' && !sc.capabilities?.add, `${w}: drops all capabilities`);
    expect(pod.automountServiceAccountToken === false, `${w}: gets no Kubernetes API token`);

    // Its Service, on the port it listens on; every address another process is given reaches a Service's port.
    const service = services.find((s) => s.metadata.name === p.name);
    if (expect(service && matches({ matchLabels: service.spec.selector }, podLabels(d)), `${w}: Service/${p.name} selects its pods`)) {
      expect(service.spec.ports.some((sp) => sp.targetPort === port || sp.targetPort === containerPort?.name), `${w}: Service/${p.name} forwards to port ${port}`);
    }

    // The shared domain services as the topology has them: each domain to the service that serves it.
    for (const section of ["Gateway", "Index"].filter((s) => p.sections.includes(s))) {
      const listed = new Map();
      for (let i = 0; value(`${section}__SharedNodes__${i}__Domain`); i++) listed.set(value(`${section}__SharedNodes__${i}__Domain`), value(`${section}__SharedNodes__${i}__Address`));
      const expected = new Map(processes.filter((x) => x.part === "Node").flatMap((x) => x.domains.map((dn) => [dn, x.name])));
      expect(listed.size === expected.size, `${w}: ${section} lists ${expected.size} shared domains (got ${listed.size})`);
      for (const [domain, node] of expected) expect(listed.get(domain)?.startsWith(`https://${node}:`), `${w}: ${section} sends ${domain} to ${node} (got ${listed.get(domain)})`);
    }
  }

  // Addresses between processes name a Service and its port, over https.
  for (const d of deployments) {
    for (const [k, e] of envOf(d)) {
      const m = /^(\w+):\/\/([a-z-]+):(\d+)/.exec(e.value ?? "");
      if (!m || !names.has(m[2])) continue;
      expect(m[1] === "https", `${file}: Deployment/${d.metadata.name} ${k} calls ${m[2]} over TLS`);
      const s = services.find((x) => x.metadata.name === m[2]);
      expect(s?.spec.ports.some((sp) => sp.port === Number(m[3])), `${file}: Deployment/${d.metadata.name} ${k}: Service/${m[2]} has port ${m[3]}`);
    }
  }

  // No secret in any manifest: no Secret with data, no secret-named setting with a literal value.
  for (const s of of("Secret")) expect(!s.data && !s.stringData, `${where(s)}: no Secret carries data here (create them outside)`);
  for (const d of deployments) {
    for (const c of [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        if (e.value === undefined) continue;
        expect(!(secretName.test(e.name) && !isPathOrUrl(e.value)), `${file}: Deployment/${d.metadata.name} ${e.name} holds a literal value; take it from a Secret`);
        expect(!looksSecret(e.value), `${file}: Deployment/${d.metadata.name} ${e.name} looks like a key or password`);
      }
    }
  }
  for (const [name, data] of configMaps) {
    for (const [k, v] of Object.entries(data)) {
      expect(!(secretName.test(k) && !isPathOrUrl(String(v))) && !looksSecret(String(v)), `${file}: ConfigMap/${name} ${k} looks like a secret`);
    }
  }

  // Network policies: default deny; only the gateway (and, delivering into inboxes, the domain services themselves)
  // reach a domain service; only pods of services that keep a store reach PostgreSQL.
  expect(policies.some((np) => Object.keys(np.spec.podSelector).length === 0 && np.spec.policyTypes?.includes("Ingress")
    && np.spec.policyTypes?.includes("Egress") && !np.spec.ingress && !np.spec.egress), `${file}: a default-deny NetworkPolicy (ingress and egress)`);
  const peersInto = (labels, port) => policies
    .filter((np) => matches(np.spec.podSelector, labels) && np.spec.policyTypes?.includes("Ingress"))
    .flatMap((np) => (np.spec.ingress ?? []).filter((r) => !r.ports || r.ports.some((x) => x.port === port)).map((r) => ({ np, from: r.from })));
  const allowedFrom = (rules, allowed, what) => {
    for (const { np, from } of rules) {
      if (!expect(from?.length, `${file}: NetworkPolicy/${np.metadata.name} lets anyone into ${what}`)) continue;
      for (const peer of from) {
        const scoped = peer.podSelector && !peer.namespaceSelector && !peer.ipBlock;
        const reachers = deployments.filter((d) => scoped && matches(peer.podSelector, podLabels(d)));
        expect(scoped && (reachers.every((d) => allowed(podLabels(d)))), `${file}: NetworkPolicy/${np.metadata.name} lets only ${what}'s callers in (${JSON.stringify(peer)})`);
      }
    }
  };
  const domainPods = deployments.filter((d) => podLabels(d)["app.kubernetes.io/component"] === "domain-service");
  expect(domainPods.length === processes.filter((p) => p.part === "Node").length, `${file}: every domain service is labelled as one`);
  for (const d of domainPods) {
    const rules = peersInto(podLabels(d), 8443);
    expect(rules.length > 0, `${file}: Deployment/${d.metadata.name} is reachable by the gateway`);
    allowedFrom(rules, (l) => l["app.kubernetes.io/name"] === "gateway" || l["app.kubernetes.io/component"] === "domain-service", d.metadata.name);
  }
  const cluster = objects.find((o) => o.kind === "Cluster" && o.apiVersion === "postgresql.cnpg.io/v1");
  if (cluster) {
    const dbLabels = { "cnpg.io/cluster": cluster.metadata.name };
    const rules = peersInto(dbLabels, 5432);
    expect(rules.length > 0, `${file}: PostgreSQL is reachable by the services`);
    for (const { np, from } of rules) {
      for (const peer of from ?? [{}]) {
        const toItself = peer.podSelector && matches(peer.podSelector, dbLabels) && !peer.namespaceSelector;
        const services = peer.podSelector && !peer.namespaceSelector && !peer.ipBlock
          && deployments.some((d) => matches(peer.podSelector, podLabels(d)));
        expect(toItself || services, `${file}: NetworkPolicy/${np.metadata.name} lets only the services (and its replicas) into PostgreSQL (${JSON.stringify(peer)})`);
      }
    }
    for (const d of deployments) {
      const usesDb = [...envOf(d).values()].some((e) => e.valueFrom?.secretKeyRef?.name === "exchange-postgres");
      const reaches = rules.some(({ from }) => (from ?? []).some((peer) => peer.podSelector && matches(peer.podSelector, podLabels(d))));
      expect(usesDb === reaches, `${file}: Deployment/${d.metadata.name} ${usesDb ? "keeps a store and reaches" : "keeps no store and does not reach"} PostgreSQL`);
    }
  }

  // Scaling: the ledger writer is one pod, replaced not rolled; what scales out has an autoscaler; all have a budget.
  const policy = byName.get(processes.find((p) => p.part === "Policy")?.name);
  const hpas = of("HorizontalPodAutoscaler");
  const hpaFor = (d) => hpas.find((h) => h.spec.scaleTargetRef.kind === "Deployment" && h.spec.scaleTargetRef.name === d.metadata.name);
  if (expect(policy, `${file}: the policy service (the ledger's writer) is deployed`)) {
    expect(policy.spec.replicas === 1 && policy.spec.strategy?.type === "Recreate" && !hpaFor(policy),
      `${file}: the ledger's writer runs as exactly one pod (replicas 1, Recreate, no autoscaler)`);
  }
  for (const d of deployments) {
    const h = hpaFor(d);
    if (d.spec.replicas > 1) expect(h, `${file}: Deployment/${d.metadata.name} scales out with an autoscaler`);
    if (h) expect(h.spec.minReplicas >= 2 && h.spec.maxReplicas >= h.spec.minReplicas, `${file}: HPA/${d.metadata.name} keeps at least two pods`);
    expect(of("PodDisruptionBudget").some((b) => matches(b.spec.selector, podLabels(d))), `${file}: Deployment/${d.metadata.name} has a PodDisruptionBudget`);
  }
  return objects.length;
}

let total = 0;
let last = [];
for (const file of renderedFiles) {
  last = load(file);
  total += await check(file, last);
}

// The check must be able to fail: each of these breakages of the last rendering must be reported.
const container = (objects, name) => objects.find((o) => o.kind === "Deployment" && o.metadata.name === name).spec.template.spec.containers[0];
const node = processes.find((p) => p.part === "Node")?.name;
const breakages = [
  ["a domain service without its Deployment", "has a Deployment", (o) => o.splice(o.findIndex((x) => x.kind === "Deployment" && x.metadata.name === node), 1)],
  ["two ledger writers", "exactly one pod", (o) => { o.find((x) => x.kind === "Deployment" && x.metadata.name === "policy").spec.replicas = 2; }],
  ["a password in a manifest", "holds a literal value", (o) => container(o, "policy").env.push({ name: "Ledger__PostgresPassword", value: "hunter2" })],
  ["a probe on another port", "asks the port the service listens on", (o) => { container(o, "index").readinessProbe.exec.command[1] = "-addr=127.0.0.1:8080"; }],
  ["the console let into a domain service", "lets only", (o) => o.push({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "broken" },
    spec: { podSelector: { matchLabels: { "app.kubernetes.io/name": node } }, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "console" } } }] }] } })],
  ["a Secret with data", "no Secret carries data", (o) => o.push({ apiVersion: "v1", kind: "Secret", metadata: { name: "broken" }, stringData: { key: "x" } })],
  ["an object off its schema", "does not validate", (o) => { container(o, "gateway").ports[0].containerPort = "grpc"; }],
  ["a section of the topology left out", "configures section Storage", (o) => { const c = container(o, "index"); c.env = c.env.filter((e) => !e.name.startsWith("Storage__")); }],
  ["plain h2c between services", "client certificates required", (o) => { const c = container(o, "policy"); c.env = c.env.filter((e) => e.name !== "Endpoint__RequireClientCertificate"); }],
];
const passed = failures;
for (const [what, phrase, breakIt] of breakages) {
  failures = [];
  const broken = structuredClone(last);
  breakIt(broken);
  await check("self-test", broken);
  if (!failures.some((f) => f.includes(phrase))) passed.push(`self-test: ${what} was not reported (expected "${phrase}")`);
}
failures = passed;
if (failures.length > 0) {
  console.error(`kubernetes check failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`kubernetes: ${total} objects in ${renderedFiles.length} rendering(s) validate; ${processes.length} processes of the topology each have their Deployment, probes, Service and budget; ${breakages.length} deliberate breakages each reported`);
