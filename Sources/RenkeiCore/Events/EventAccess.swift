import Foundation

/// Who sees an event, its sessions, slides and attendees, and who may run it. The labels on
/// talks follow `AccessPolicy`'s reading: a members-only session is for people of member teams
/// (and the officers, as for GREEN), a SIG-only one for the SIG's participants; what is not
/// seen is absent from every channel, not shown without its details.
public enum EventAccess {
    /// Who may create an event of `kind`: the secretariat any but a SIG meeting; a member
    /// team's representative a colloquium or symposium their team hosts; a SIG's chairs its meetings.
    public static func mayCreate(_ kind: Event.Kind, hostTeamID: UUID?, by actor: Actor, isChairOfSIG: Bool) -> Bool {
        switch kind {
        case .sigMeeting:
            return isChairOfSIG
        case .conference:
            return actor.roles.contains(.secretariat)
        case .colloquium, .symposium:
            return actor.roles.contains(.secretariat) || isHostRepresentative(actor, hostTeamID: hostTeamID)
        }
    }

    /// Who runs an event (programme, committee, decisions, attendee list, check-in): the
    /// secretariat, the host team's representatives; for a SIG meeting, the SIG's chairs only.
    public static func mayManage(_ event: Event, by actor: Actor?, isChairOfSIG: Bool) -> Bool {
        guard let actor else { return false }
        if event.kind == .sigMeeting { return isChairOfSIG }
        return actor.roles.contains(.secretariat) || isHostRepresentative(actor, hostTeamID: event.hostTeamID)
    }

    static func isHostRepresentative(_ actor: Actor, hostTeamID: UUID?) -> Bool {
        guard let hostTeamID else { return false }
        // A suspended team keeps reading, but does not host.
        return actor.roles.contains(.teamRepresentative) && actor.teamID == hostTeamID && actor.teamStatus == .active
    }

    /// Events are announced to everyone, except a SIG's meetings, which belong to its space.
    public static func isListed(_ event: Event, to reader: Actor?) -> Bool {
        guard case .sigParticipants(let sig) = event.eligibility else { return true }
        guard let reader else { return false }
        return AccessPolicy.takesPart(reader, in: sig)
    }

    /// The category a registrant registers in, or why the event is not for them.
    public static func category(of registrant: EventRegistration.Registrant, for event: Event) throws -> EventRegistration.Category {
        let isMember = registrant.actor.map(AccessPolicy.isCommunityMember) ?? false
        switch event.eligibility {
        case .anyone:
            if registrant.isSpeaker { return .speaker }
            return isMember ? .member : .nonMember
        case .membersAndGuests:
            if isMember { return registrant.isSpeaker ? .speaker : .member }
            guard registrant.invitedByTeamID != nil else {
                throw EventRefusal(.wrongRole, "This event is for people of member teams and the guests a member team invites.")
            }
            guard registrant.agreementAccepted else {
                throw EventRefusal(.agreementNotAccepted, "Accept the event's TLP agreement to register as a guest.")
            }
            return .guest
        case .sigParticipants(let sig):
            guard let actor = registrant.actor, AccessPolicy.takesPart(actor, in: sig) else {
                throw EventRefusal(.wrongRole, "This meeting is for the SIG's participants.")
            }
            return AccessPolicy.isMemberOfMemberTeam(actor) ? .member : .guest
        }
    }

    /// Whether `reader` sees the session at all: in the programme, its page, the API, calendars.
    /// Before the programme is published only its managers and its speaker see it.
    public static func maySee(_ session: EventSession, of event: Event, reader: Actor?, isManager: Bool) -> Bool {
        guard isListed(event, to: reader) else { return false }
        // The speaker sees their own session whatever its audience: a guest may give a members-only talk.
        if reader != nil, session.speakerUserID == reader?.userID { return true }
        guard event.programmePublished || isManager else { return false }
        switch session.audience {
        case .open:
            return true
        case .members:
            return reader.map(AccessPolicy.isCommunityMember) ?? false
        case .sig:
            guard let reader, let sig = event.sigID else { return false }
            return AccessPolicy.takesPart(reader, in: sig)
        }
    }

    /// Whether `reader` may download the session's slides, which carry the talk's label:
    /// - CLEAR: the session's registered attendees and people of member teams, and once the
    ///   event is over anyone who sees the session (never fewer readers than GREEN);
    /// - GREEN: people of member teams who see the session, and attendees who were there;
    /// - AMBER and AMBER+STRICT: those who were there (checked in) and still see the session;
    /// - RED: nobody but the speaker: a RED talk's slides are not handed out.
    /// The speaker always reads what they uploaded.
    public static func mayReadSlides(of session: EventSession, in event: Event, reader: Actor?, registration: EventRegistration?,
                                     isManager: Bool, at now: Date) -> Bool {
        if let reader, session.speakerUserID == reader.userID { return true }
        guard maySee(session, of: event, reader: reader, isManager: isManager) else { return false }
        let registered = registration?.state == .confirmed && registration?.eventID == event.id
        let present = registered && registration?.checkedInAt != nil
        switch session.tlp {
        case .clear:
            return event.hasEnded(at: now) || registered || (reader.map(AccessPolicy.isCommunityMember) ?? false)
        case .green:
            return (reader.map(AccessPolicy.isCommunityMember) ?? false) || present
        case .amber, .amberStrict:
            return present
        case .red:
            return false
        }
    }

    /// Whether a session's title and abstract may go into a feed that leaves the platform (a
    /// person's calendar link, which calendar services fetch and keep): up to GREEN. An AMBER
    /// or higher session goes as its slot, room and link only; its words stay with the label's audience.
    public static func wordsMayLeave(_ session: EventSession) -> Bool {
        session.tlp < .amber
    }

    /// The attendee list (names, organisations, check-in) is the event's managers' only.
    public static func mayReadAttendees(of event: Event, by actor: Actor?, isChairOfSIG: Bool) -> Bool {
        mayManage(event, by: actor, isChairOfSIG: isChairOfSIG)
    }

    /// A programme committee's seat counts while its holder is of the community (a person of a
    /// member team, or an officer): someone whose team left reads no proposals any more.
    public static func sitsOnCommittee(_ actor: Actor?, committee: Set<UUID>) -> Bool {
        guard let actor else { return false }
        return committee.contains(actor.userID) && AccessPolicy.isCommunityMember(actor)
    }

    /// A person of a member team invites guests to an event for members and guests, on behalf of their team.
    public static func mayInviteGuests(to event: Event, by actor: Actor?) -> Bool {
        guard let actor, event.eligibility == .membersAndGuests else { return false }
        return AccessPolicy.isMemberOfMemberTeam(actor)
    }
}

extension EventAccess {
    /// The guest list of an event for members and guests (who the guests are and which team
    /// invited them) goes to the teams taking part `guestListLeadDays` working days before the
    /// event, as TF-CSIRT does, so a team can object in time: from then on people of member
    /// teams with someone registered read it; the managers always.
    public static func mayReadGuestList(of event: Event, by actor: Actor?, isManager: Bool, teamTakesPart: Bool, at now: Date) -> Bool {
        guard event.eligibility == .membersAndGuests, let actor else { return false }
        if isManager { return true }
        return teamTakesPart && AccessPolicy.isMemberOfMemberTeam(actor) && now >= event.guestListDue
    }
}
