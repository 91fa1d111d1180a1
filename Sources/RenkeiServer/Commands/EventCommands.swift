import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei event list|show|attendees`: events for the secretariat at its own machine, which
/// runs the platform and so reads every event, SIG meetings included.
struct EventCommand: AnyAsyncCommand {
    var help: String {
        """
        list [--json]: every event, latest first.
        show SLUG [--json]: one event with its programme and its seat counts.
        attendees SLUG [--csv]: who holds a seat or waits, with their invoice reference and check-in (a sign-in sheet; CSV for a badge printer).
        """
    }

    func outputHelp(using context: inout CommandContext) {
        context.console.print(help)
    }

    func run(using context: inout CommandContext) async throws {
        let arguments = try CommandArguments(context.input.arguments, options: [], flags: ["json", "csv"])
        let app = context.application
        let operands = arguments.operands
        let now = Date()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        func event(_ slug: String) async throws -> Event {
            guard let model = try await EventModel.query(on: app.db).filter(\.$slug == slug.lowercased()).first() else {
                throw UsageError(message: "there is no event \(slug)")
            }
            return try model.event()
        }
        switch (operands.first, operands.count) {
        case ("list", 1):
            let events = try await EventModel.query(on: app.db).sort(\.$startsAt, .descending).sort(\.$id).all().map { try $0.event() }
            if arguments.flags.contains("json") {
                context.console.print(String(decoding: try encoder.encode(events.map { EventView($0, host: nil, counts: nil, now: now) }), as: UTF8.self))
            } else {
                for event in events { context.console.print("\(event.slug)\t\(event.kind.rawValue)\t\(EventView.dates(event))\t\(event.title)") }
            }
        case ("show", 2):
            let event = try await event(operands[1])
            let confirmed = try await EventStore.confirmedCount(of: event.id, on: app.db)
            let waiting = try await EventRegistrationModel.query(on: app.db).filter(\.$eventID == event.id)
                .filter(\.$state == EventRegistration.State.waitlisted.rawValue).count()
            let sessions = try await EventSessionModel.query(on: app.db).filter(\.$eventID == event.id).sort(\.$startsAt).sort(\.$id).all().map(\.session)
            if arguments.flags.contains("json") {
                let view = EventsAPIController.EventDetail(event: EventView(event, host: nil, counts: (confirmed, waiting), now: now),
                                                           sessions: sessions.map { EventView.session($0, of: event, readerZone: nil, slidesURL: nil, uploadURL: nil) },
                                                           registration: nil, isManager: true)
                context.console.print(String(decoding: try encoder.encode(view), as: UTF8.self))
            } else {
                context.console.print("\(event.title) (\(event.slug)), \(event.kind.label)")
                context.console.print("\(EventView.dates(event)); \(event.online ? "online" : event.venue)")
                context.console.print("\(confirmed) of \(event.capacity) seats taken, \(waiting) waiting; programme \(event.programmePublished ? "published" : "not published")")
                for session in sessions {
                    let view = EventView.session(session, of: event, readerZone: nil, slidesURL: nil, uploadURL: nil)
                    context.console.print("  \(view.day) \(view.time)\t\(session.room)\t\(session.tlp.text)\t\(session.audience.label)\t\(session.title)")
                }
            }
        case ("attendees", 2):
            let event = try await event(operands[1])
            let people = try await EventRegistrationModel.query(on: app.db).filter(\.$eventID == event.id)
                .filter(\.$state != EventRegistration.State.cancelled.rawValue).sort(\.$name).sort(\.$id).all().map(\.registration)
            if arguments.flags.contains("csv") {
                FileHandle.standardOutput.write(Data(EventAttendeeList.csv(people).utf8))
            } else {
                for person in people {
                    context.console.print("\(person.name)\t\(person.organisation)\t\(person.category.label)\t\(person.state.rawValue)\t\(person.invoiceReference)\t\(person.checkedInAt == nil ? "" : "checked in")")
                }
                context.console.print("\(people.filter(\.holdsSeat).count) registered, \(people.filter { $0.state == .waitlisted }.count) waiting, \(people.filter { $0.checkedInAt != nil }.count) checked in")
            }
        default:
            throw UsageError(message: "usage: renkei event list | show SLUG | attendees SLUG [--csv]")
        }
    }
}
