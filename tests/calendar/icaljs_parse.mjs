// Parse an .ics file with ical.js (a second, independent parser) and print JSON.
//
//   node tests/calendar/icaljs_parse.mjs FILE.ics
//
// Run from the repository root so that node_modules/ical.js resolves.
// The file is decoded as strict UTF-8: a line folded inside a multi-byte
// character makes this script fail instead of quietly printing U+FFFD.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const path = process.argv[2];
if (!path) {
  console.error("usage: node icaljs_parse.mjs FILE.ics");
  process.exit(2);
}
const text = new TextDecoder("utf-8", { fatal: true }).decode(readFileSync(path));
const vcalendar = new ICAL.Component(ICAL.parse(text));

// Register the feed's own VTIMEZONEs before any date is read: ical.js
// resolves TZID when a value is first parsed and falls back to floating time.
const timezones = [];
for (const vtimezone of vcalendar.getAllSubcomponents("vtimezone")) {
  const zone = new ICAL.Timezone(vtimezone);
  ICAL.TimezoneService.register(zone);
  timezones.push(zone.tzid);
}

function timeJson(time) {
  if (!time) return null;
  return {
    value: time.toString(), // local wall time in its zone, or a date
    tzid: time.isDate ? null : time.zone.tzid,
    utc: time.isDate ? null : time.convertToZone(ICAL.Timezone.utcTimezone).toString(),
    isDate: time.isDate,
  };
}

function propsJson(component) {
  const props = {};
  for (const prop of component.getAllProperties()) {
    props[prop.name] = prop.getValues().map((v) => (typeof v === "object" ? v.toString() : v));
  }
  return props;
}

const events = vcalendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  const categories = [];
  for (const prop of vevent.getAllProperties("categories")) categories.push(...prop.getValues());
  return {
    uid: event.uid,
    summary: event.summary,
    description: event.description,
    location: event.location,
    url: vevent.getFirstPropertyValue("url"),
    start: timeJson(event.startDate),
    end: timeJson(event.endDate),
    status: vevent.getFirstPropertyValue("status"),
    transp: vevent.getFirstPropertyValue("transp"),
    sequence: event.sequence,
    categories,
    dtstamp: vevent.getFirstPropertyValue("dtstamp")?.toString() ?? null,
    lastModified: vevent.getFirstPropertyValue("last-modified")?.toString() ?? null,
    attendees: event.attendees.length,
    attendeeList: event.attendees.map((prop) => ({
      value: prop.getFirstValue(),
      cn: prop.getParameter("cn") ?? null,
      partstat: prop.getParameter("partstat") ?? null,
      rsvp: prop.getParameter("rsvp") ?? null,
    })),
    organizer: event.organizer ?? null,
    organizerCn: vevent.getFirstProperty("organizer")?.getParameter("cn") ?? null,
    alarms: vevent.getAllSubcomponents("valarm").map((valarm) => ({
      action: valarm.getFirstPropertyValue("action"),
      trigger: valarm.getFirstPropertyValue("trigger")?.toString() ?? null,
      description: valarm.getFirstPropertyValue("description"),
    })),
  };
});

console.log(JSON.stringify({ calendar: propsJson(vcalendar), timezones, events }, null, 1));
