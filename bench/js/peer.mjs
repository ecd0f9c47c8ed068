// nats.js v3 as a bench peer: one long-lived process per bench module, driven over
// stdin/stdout by bench/_nats_js.py so that its runs alternate with jsm's and nats-py's
// in the same run against the same server.
//
// Usage: node peer.mjs nats://host:port
// Each stdin line is a JSON command {"op": ..., ...}; each reply is one JSON line,
// {"seconds", "cpu"} for timed work (wall-clock and this process's CPU time, both
// measured around the work only) or {"error"}.

import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";

const nc = await connect({ servers: process.argv[2], maxReconnectAttempts: 0 });
const js = jetstream(nc);
const jsm = await jetstreamManager(nc);
const buckets = new Map();

function payload(size) {
  return new Uint8Array(size).fill(120); // "x"
}

async function kvBucket(name) {
  if (!buckets.has(name)) {
    buckets.set(name, await new Kvm(nc).open(name));
  }
  return buckets.get(name);
}

// ------------------------------------------------------------------ workloads

const work = {
  async core({ subject, count, size }) {
    const data = payload(size);
    for (let i = 0; i < count; i++) {
      nc.publish(`${subject}.${i % 16}`, data);
    }
    await nc.flush();
  },

  async publish_awaited({ subject, count, size }) {
    const data = payload(size);
    for (let i = 0; i < count; i++) {
      await js.publish(`${subject}.${i % 16}`, data);
    }
  },

  // nats.js has no publishing pipeline: the idiom is a window of publish promises.
  async publish_window({ subject, count, size, pending }) {
    const data = payload(size);
    const window = [];
    for (let i = 0; i < count; i++) {
      if (window.length >= pending) {
        await window.shift();
      }
      window.push(js.publish(`${subject}.${i % 16}`, data));
    }
    await Promise.all(window);
  },

  async consume({ stream, consumer, count, batch }) {
    const c = await js.consumers.get(stream, consumer);
    const messages = await c.consume({ max_messages: batch });
    let done = 0;
    for await (const m of messages) {
      m.ack();
      if (++done === count) break;
    }
    await messages.close();
  },

  async fetch({ stream, consumer, count, batch }) {
    const c = await js.consumers.get(stream, consumer);
    let done = 0;
    while (done < count) {
      const messages = await c.fetch({ max_messages: batch, expires: 5000 });
      for await (const m of messages) {
        m.ack();
        done++;
      }
    }
  },

  async kv_put({ bucket, keys, count, size }) {
    const kv = await kvBucket(bucket);
    const data = payload(size);
    for (let i = 0; i < count; i++) {
      await kv.put(`key.${i % keys}`, data);
    }
  },

  async kv_get({ bucket, keys, count }) {
    const kv = await kvBucket(bucket);
    for (let i = 0; i < count; i++) {
      await kv.get(`key.${i % keys}`);
    }
  },

  async stream_info({ stream, count }) {
    for (let i = 0; i < count; i++) {
      await jsm.streams.info(stream);
    }
  },

  async get_message({ stream, count, direct }) {
    for (let seq = 1; seq <= count; seq++) {
      if (direct) {
        await jsm.direct.getMessage(stream, { seq });
      } else {
        await jsm.streams.getMessage(stream, { seq });
      }
    }
  },

  async add_delete({ prefix, count }) {
    for (let i = 0; i < count; i++) {
      await jsm.streams.add({ name: `${prefix}${i}`, subjects: [`bench.js.${i}`] });
      await jsm.streams.delete(`${prefix}${i}`);
    }
  },

  async object_put({ bucket, name, path }) {
    const store = await new Objm(nc).open(bucket);
    await store.put({ name }, Readable.toWeb(createReadStream(path)));
  },

  async object_get({ bucket, name, path }) {
    const store = await new Objm(nc).open(bucket);
    const result = await store.get(name);
    const out = createWriteStream(path);
    for await (const chunk of result.data) {
      if (!out.write(chunk)) {
        await new Promise((resolve) => out.once("drain", resolve));
      }
    }
    out.end();
    await finished(out);
    const error = await result.error;
    if (error) throw error;
  },
};

// ------------------------------------------------------------------ the command loop

// VmRSS and VmHWM in bytes, from /proc/self/status (Linux).
function memory() {
  const values = {};
  for (const line of readFileSync("/proc/self/status", "utf8").split("\n")) {
    const [key, rest] = line.split(":");
    if (key === "VmRSS" || key === "VmHWM") values[key] = parseInt(rest, 10) * 1024;
  }
  return values;
}

// With args.memory: also the peak RSS growth during the work, as bench/objects.py's
// Python children measure it (the peak reset through /proc/self/clear_refs).
async function timed(fn, args) {
  let baseline = 0;
  let exact = false;
  if (args.memory) {
    baseline = memory().VmRSS;
    try {
      writeFileSync("/proc/self/clear_refs", "5");
      exact = true;
    } catch {
      exact = false;
    }
  }
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn(args);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  const reply = { seconds, cpu: (used.user + used.system) / 1e6 };
  if (args.memory) {
    reply.rss_growth = memory().VmHWM - baseline;
    reply.exact_peak = exact;
  }
  return reply;
}

const lines = createInterface({ input: process.stdin });
process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of lines) {
  const command = JSON.parse(line);
  let reply;
  try {
    const fn = work[command.op];
    if (fn === undefined) throw new Error(`unknown op ${command.op}`);
    reply = await timed(fn, command);
  } catch (err) {
    reply = { error: String(err && err.stack ? err.stack : err) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
await nc.close();
