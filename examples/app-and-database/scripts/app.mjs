// The app: node app.mjs PORT BIND WORKDIR, with SETTINGS (the instance's runtime properties as JSON)
// holding database_url, set by the connected_to relationship. Every page view is counted there.
import http from 'node:http';

/* global fetch */

const [port, bind] = process.argv.slice(2);
const { database_url: database } = JSON.parse(process.env.SETTINGS || '{}');
if (!database) throw new Error('no database_url in SETTINGS: is the app connected to the database?');

http
  .createServer(async (req, res) => {
    if (req.method !== 'GET' || req.url !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    try {
      const reply = await fetch(`${database}/counters/visits`, { method: 'POST' });
      const { value } = await reply.json();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><h1>App</h1><p>Visit number ${value}, counted by the database at ${database}.</p>\n`);
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`database at ${database} unreachable: ${err.message}\n`);
    }
  })
  .listen(Number(port), bind);
