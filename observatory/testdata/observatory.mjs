// Runs the MDN HTTP Observatory's own scan on each host and prints, one
// JSON line per host, its score, grade and per-test results. Used by
// observatory's peer test against the farm; reads nothing but its
// arguments:
//
//   node observatory.mjs MODULE_DIR HTTP_ADDR HTTPS_ADDR HOST...
//
// Connections to HOST:80 and HOST:443 go to HTTP_ADDR and HTTPS_ADDR
// (as curl's --connect-to), with the TLS server name and Host header
// unchanged, so that the farm's loopback listeners answer as the site.
// Trust for the farm's CA comes from NODE_EXTRA_CA_CERTS.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const [moduleDir, httpAddr, httpsAddr, ...hosts] = process.argv.slice(2);
const split = (a) => {
  const i = a.lastIndexOf(":");
  return [a.slice(0, i), Number(a.slice(i + 1))];
};
const routes = { 80: split(httpAddr), 443: split(httpsAddr) };

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let opts = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (opts && typeof opts === "object" && hosts.includes(opts.host) && routes[Number(opts.port)]) {
    const [addr, port] = routes[Number(opts.port)];
    opts.host = addr;
    opts.port = port;
  }
  return connect.apply(this, args);
};

// The package's postinstall downloads the HSTS preload list; without
// network it is absent, and no farm host is preloaded anyway.
const preload = path.join(moduleDir, "conf", "hsts-preload.json");
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) {
  if (file === preload && !fs.existsSync(preload)) {
    return "{}";
  }
  return readFileSync.call(this, file, ...rest);
};

const { scan } = await import(path.join(moduleDir, "src", "scanner", "index.js"));
// A few scans at a time: the Observatory gives up on a request after
// ten seconds, and each scan opens several connections at once.
const results = [];
const queue = [...hosts];
async function worker() {
  while (queue.length > 0) {
    const host = queue.shift();
    try {
      const r = await scan(host);
      const tests = {};
      for (const [name, t] of Object.entries(r.tests)) {
        tests[name] = { result: t.result, pass: t.pass, score_modifier: t.scoreModifier };
      }
      results.push({ host, score: r.scan.score, grade: r.scan.grade, algorithm_version: r.scan.algorithmVersion, tests });
    } catch (e) {
      results.push({ host, error: String(e && e.message ? e.message : e) });
    }
  }
}
await Promise.all([1, 2, 3].map(worker));
for (const r of results) {
  console.log(JSON.stringify(r));
}
process.exit(0); // without waiting for kept-alive connections to close
