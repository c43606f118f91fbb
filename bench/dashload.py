#!/usr/bin/env python3
"""Dashboard load: signs in to a running `vigie serve` and requests each page
N times from C threads, then prints p50, p95 and max latency per page.

    bench/dashload.py http://127.0.0.1:8080 USER PASSWORD [N] [C]

With SERVER_PID set to the server's process ID (same machine), it also
prints the server's CPU milliseconds per request of each page (user +
system, from /proc), a figure that holds when other work shares the cores
and wall-clock latencies do not.
"""
import http.cookiejar, os, re, sys, threading, time, urllib.parse, urllib.request

server_pid = os.environ.get("SERVER_PID")

def cpu_ms():
    if not server_pid:
        return 0.0
    with open("/proc/%s/stat" % server_pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / os.sysconf("SC_CLK_TCK")

base, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
conc = int(sys.argv[5]) if len(sys.argv) > 5 else 4

jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
page = opener.open(base + "/login").read().decode()
csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
data = urllib.parse.urlencode({"user": user, "password": password, "csrf": csrf}).encode()
req = urllib.request.Request(base + "/login", data=data, headers={"Origin": base})
opener.open(req).read()

def first(path, pattern):
    m = re.search(pattern, opener.open(base + path).read().decode())
    return m.group(1) if m else None

finding = first("/findings", r'href="/findings/([0-9a-f]{8,})"')
site = first("/sites", r'href="(/site\?[^"]+)"')
org = first("/organisations", r'href="/organisation\?name=([^"]+)"')
scan = first("/scans", r'href="/findings\?scan=([^"&]+)"')
check = first("/", r'check=([a-z0-9.-]+)"')
pages = ["/", "/findings", "/findings?severity=high", "/findings?state=open&severity=medium",
         "/findings?state=fixed", "/findings?state=regressed", "/findings?tag=sante",
         "/findings?since=2026-01-10&until=2026-01-20",
         "/findings?q=formulaire", "/findings?q=securite+cookies", "/findings?page=50",
         "/sites", "/sites?page=100", "/sites?failing=1", "/sites?tag=sante", "/sites?q=site0123",
         "/organisations", "/organisations?page=10", "/organisations?q=mairie", "/organisations?tag=sante",
         "/scans", "/checks",
         "/api/v1/findings?limit=100", "/api/v1/findings?state=open&severity=high&limit=100",
         "/api/v1/sites?limit=100", "/api/v1/sites?failing=1&limit=100", "/api/v1/scans"]
if check:
    pages += ["/findings?state=open&check=" + check, "/api/v1/findings?check=" + check]
if scan:
    pages += ["/findings?scan=" + scan]
if org:
    pages += ["/organisation?name=" + org, "/findings?state=open&organisation=" + org, "/sites?organisation=" + org]
if finding:
    pages.append("/findings/" + finding)
if site:
    pages.append(site.replace("&amp;", "&"))

print("%-40s %6s %8s %8s %8s %8s %s" % ("page", "n", "p50_ms", "p95_ms", "max_ms", "cpu_ms", "errors"))
for p in pages:
    times, errors = [], []
    cpu0 = cpu_ms()
    lock = threading.Lock()
    def work(k):
        for _ in range(k):
            t0 = time.perf_counter()
            try:
                r = opener.open(base + p)
                r.read()
                code = r.status
            except Exception as e:  # HTTPError included
                code = getattr(e, "code", str(e))
            dt = (time.perf_counter() - t0) * 1000
            with lock:
                times.append(dt)
                if code != 200:
                    errors.append(code)
    threads = [threading.Thread(target=work, args=(n // conc,)) for _ in range(conc)]
    for t in threads: t.start()
    for t in threads: t.join()
    times.sort()
    pct = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    cpu = (cpu_ms() - cpu0) / len(times) if server_pid else float("nan")
    print("%-40s %6d %8.1f %8.1f %8.1f %8.1f %s" % (p[:40], len(times), pct(0.5), pct(0.95), times[-1], cpu, sorted(set(map(str, errors))) or ""), flush=True)
