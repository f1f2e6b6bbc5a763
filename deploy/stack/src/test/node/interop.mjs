// A non-Java Confluent-format client: kafkajs for Kafka, Confluent's own schema-registry client for Avro.
// Talks to the registry only through its Confluent-compatible API (REGISTRY = .../apis/ccompat/v7).
//   node interop.mjs produce   TOPIC, VALUE_JSON, KEY       -> prints {"schemaId":..,"bytes":..,"partition":..,"offset":..}
//   node interop.mjs consume   TOPIC, PARTITION, OFFSET        -> prints the decoded record as JSON
// On a secured stack: CA_FILE (the stack's CA, PEM) for TLS to both, KAFKA_USERNAME/KAFKA_PASSWORD (SASL/SCRAM-SHA-512)
// and REGISTRY_USER_INFO (user:password, basic auth).
import fs from 'node:fs';
import https from 'node:https';
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } from '@confluentinc/schemaregistry';

const mode = process.argv[2];
const { BOOTSTRAP, REGISTRY, TOPIC, CA_FILE, KAFKA_USERNAME, KAFKA_PASSWORD, REGISTRY_USER_INFO } = process.env;
const ca = CA_FILE ? [fs.readFileSync(CA_FILE)] : undefined;
const registry = new SchemaRegistryClient({
  baseURLs: [REGISTRY],
  ...(REGISTRY_USER_INFO ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: REGISTRY_USER_INFO } } : {}),
  ...(ca ? { createAxiosDefaults: { httpsAgent: new https.Agent({ ca }) } } : {}),
});
const kafka = new Kafka({ clientId: 'node-interop', brokers: [BOOTSTRAP], logLevel: process.env.KAFKAJS_LOG === 'info' ? logLevel.INFO : logLevel.ERROR,
  retry: { initialRetryTime: 200, retries: 15 },
  ...(ca ? { ssl: { ca } } : {}),
  ...(KAFKA_USERNAME ? { sasl: { mechanism: 'scram-sha-512', username: KAFKA_USERNAME, password: KAFKA_PASSWORD } } : {}) });
let stage = 'start';
const started = Date.now();
const at = (name) => { stage = name + ' (at ' + (Date.now() - started) + ' ms)'; };
let timeoutDetail = () => '';
const timeout = setTimeout(() => { console.error('interop: timed out in stage ' + stage + '; ' + timeoutDetail()); process.exit(3); }, Number(process.env.TIMEOUT_MS || 90000));

const json = (v) => JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? Number(x) : Buffer.isBuffer(x) ? x.toString('base64') : x));

if (mode === 'produce') {
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, { useLatestVersion: true });
  const value = JSON.parse(process.env.VALUE_JSON);
  at('serialize (registry lookup)');
  const payload = await serializer.serialize(TOPIC, value);
  const producer = kafka.producer({ idempotent: true });
  at('producer connect');
  await producer.connect();
  at('send');
  const [md] = await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: process.env.KEY, value: payload }] });
  at('disconnect');
  await producer.disconnect();
  console.log("RESULT " + json({ schemaId: payload.readInt32BE(1), magic: payload[0], bytes: payload.length, partition: md.partition, offset: Number(md.baseOffset) }));
} else if (mode === 'consume') {
  // Reads the record at PARTITION/OFFSET (what the Java producer acknowledged) and decodes it. A fresh group reads
  // every partition from the beginning (uncommitted data too) and skips the other records: no seek, because a seek
  // issued while the group's first fetch is in flight can be lost, and the record then never arrives. On a
  // timeout it prints what it did see.
  const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
  const partition = Number(process.env.PARTITION);
  const offset = String(process.env.OFFSET);
  const seen = [];
  timeoutDetail = () => 'records seen: ' + json(seen.slice(-20)) + ' (' + seen.length + ' in all)';
  const consumer = kafka.consumer({ groupId: `node-interop-${Date.now()}-${Math.random()}`, readUncommitted: true, maxWaitTimeInMs: 500 });
  at('consumer connect');
  await consumer.connect();
  at('subscribe');
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  at('consume');
  await new Promise((resolve, reject) => {
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition: p, message }) => {
        seen.push({ partition: p, offset: message.offset, bytes: message.value ? message.value.length : null });
        if (p !== partition || message.offset !== offset) {
          return;
        }
        try {
          const record = await deserializer.deserialize(TOPIC, message.value);
          console.log("RESULT " + json({ schemaId: message.value.readInt32BE(1), record }));
          resolve();
        } catch (e) { reject(e); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
} else {
  console.error('usage: node interop.mjs produce|consume');
  process.exit(2);
}
clearTimeout(timeout);
process.exit(0);
