// Loopback peers shared by the transport tests (no sandbox needed).
import { spawn } from "node:child_process";

/** A loopback listener whose accept queue is full: a connect to it hangs (SYNs are dropped). */
export async function unresponsive(t) {
  const script = `
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)
port = s.getsockname()[1]
fill = []
for _ in range(4):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(("127.0.0.1", port))
    except BlockingIOError: pass
    fill.append(c)
print(port, flush=True)
time.sleep(120)
`;
  const py = spawn("python3", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] });
  t.after(() => py.kill());
  const port = await new Promise((resolve) => py.stdout.once("data", (d) => resolve(Number(String(d).trim()))));
  return `http://127.0.0.1:${port}`;
}
