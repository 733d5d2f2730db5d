// Numbers and dates as the page shows them (plain strings, rendered with textContent).
const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> '1.5 KiB'; 1 -> '1 byte'; null -> '—'. */
export function bytes(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '—';
  let v = Number(n);
  if (Math.abs(v) < 1024) return v === 1 ? '1 byte' : `${v} bytes`;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = Math.abs(v) < 10 ? 1 : 0;
  return `${v.toFixed(digits).replace(/\.0$/, '')} ${UNITS[u]}`;
}

/** A Date as a local date and time; '—' when there is none. */
export function date(d) {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** '3 minutes ago', 'in 2 days', 'just now'. */
export function relative(d, now = new Date()) {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) return '—';
  const s = Math.round((d.getTime() - now.getTime()) / 1000);
  if (Math.abs(s) < 45) return 'just now';
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [30, 'day'], [12, 'month'], [Infinity, 'year']];
  let v = s;
  let unit = 'second';
  for (const [size, name] of steps) {
    unit = name;
    if (Math.abs(v) < size) break;
    v = Math.round(v / size);
  }
  return new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(v, unit);
}
