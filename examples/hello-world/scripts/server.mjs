// A minimal static web server: node server.mjs PAGE PORT [BIND]. Serves PAGE at / and nothing else.
import http from 'node:http';
import fs from 'node:fs';

const [page, port, bind = '127.0.0.1'] = process.argv.slice(2);
const html = fs.readFileSync(page);

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});
server.listen(Number(port), bind);
