import Vapor

func routes(_ app: Application) throws {
    HealthController().register(app)

    let pages = app.grouped(UserModel.sessionAuthenticator(), TeamStatusMiddleware(), TwoFactorGate(), NotificationCountMiddleware())
    let forms = pages.grouped(CSRFMiddleware())
    DirectoryController().register(pages: pages, forms: forms)
    AccountController().register(pages: pages, forms: forms)
    LookupController().register(pages: pages)
    CVSSController().register(pages: pages, api: app.grouped(RateLimitMiddleware()))
    MembershipController().register(pages: pages, forms: forms)
    NotificationsController().register(pages: pages, forms: forms)
    AuditController().register(pages: pages)
    HomeController().register(pages: pages)

    let api = app.grouped(APITokenAuthenticator(), TeamStatusMiddleware(), RateLimitMiddleware())
    InvitationsController().register(pages: pages, forms: forms, api: api)
    TeamsAPIController().register(api)
    SuggestController().register(app)
    ClaimsController().register(pages: pages, forms: forms, api: api)
    GlobalIRTController().register(api)
    LookupAPIController().register(api)
    MembershipAPIController().register(api, app: app)
    SharedItemsAPIController().register(api)
    ListsAPIController().register(api)
    SIGsAPIController().register(api)
    ListsController().register(pages: pages, forms: forms)
    SIGsController().register(pages: pages, forms: forms)
    let uploads = pages.grouped(CSRFMiddleware(maxFormBytes: max(ArtifactsController.uploadLimit.value, SharedItemsController.uploadLimit.value)))
    SharedItemsController().register(pages: pages, uploads: uploads, forms: forms)
    ArtifactsController().register(pages: pages, uploads: uploads, forms: forms, api: api)
    EventsController().register(pages: pages, forms: forms, uploads: pages.grouped(CSRFMiddleware(maxFormBytes: EventStore.slidesUploadLimit.value)))
    EventsAPIController().register(api)
    FeedsController().register(app.grouped(RateLimitMiddleware()),
                               api: app.grouped(QueryTokenAuthenticator(), APITokenAuthenticator(), TeamStatusMiddleware(), RateLimitMiddleware()))
}
