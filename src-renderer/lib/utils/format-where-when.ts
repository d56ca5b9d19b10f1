// Names for the where/when filters: capture days and ranges as calendar days, places by their centroid.

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Wed 1 May 2024": a capture day as the camera's calendar day (no time zone shift, the same in every locale). */
export function formatDay(day: string, withWeekday = true): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
  return `${withWeekday ? `${weekday} ` : ''}${d} ${MONTHS[m - 1]} ${y}`;
}

/** "1–3 May 2024", "30 Apr – 2 May 2024", "31 Dec 2023 – 1 Jan 2024". */
export function formatDayRange(from: string, to: string): string {
  if (from === to) return formatDay(from);
  const end = formatDay(to, false);
  if (from.slice(0, 7) === to.slice(0, 7)) return `${Number(from.slice(8))}–${end}`;
  const start = formatDay(from, false);
  return from.slice(0, 4) === to.slice(0, 4) ? `${start.slice(0, -5)} – ${end}` : `${start} – ${end}`;
}

/** "13.5163° S, 71.9785° W": a place is named by its centroid (no reverse geocoding: everything stays offline). */
export function formatPlace(place: { lat: number; lon: number }): string {
  const part = (value: number, positive: string, negative: string) => `${Math.abs(value).toFixed(4)}° ${value < 0 ? negative : positive}`;
  return `${part(place.lat, 'N', 'S')}, ${part(place.lon, 'E', 'W')}`;
}
