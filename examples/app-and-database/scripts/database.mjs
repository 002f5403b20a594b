// A tiny counter store over HTTP, kept in WORKDIR/data.json: node database.mjs PORT BIND WORKDIR.
//   POST /counters/NAME  -> {"name", "value"} (the value after adding one)
//   GET  /counters/NAME  -> {"name", "value"}
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [port, bind, dir] = process.argv.slice(2);
const file = path.join(dir, 'data.json');
const counters = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};

http
  .createServer((req, res) => {
    const match = /^\/counters\/([\w-]{1,64})$/.exec(req.url ?? '');
    if (!match || (req.method !== 'GET' && req.method !== 'POST')) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    const name = match[1];
    if (req.method === 'POST') {
      counters[name] = (counters[name] ?? 0) + 1;
      fs.writeFileSync(file, JSON.stringify(counters));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, value: counters[name] ?? 0 }));
  })
  .listen(Number(port), bind);
