import Vapor

func routes(_ app: Application) throws {
    HealthController().register(app)

    let pages = app.grouped(UserModel.sessionAuthenticator())
    let forms = pages.grouped(CSRFMiddleware())
    DirectoryController().register(pages: pages, forms: forms)
    AccountController().register(pages: pages, forms: forms)
    LookupController().register(pages: pages)
    CVSSController().register(pages: pages, api: app)

    let api = app.grouped(APITokenAuthenticator())
    TeamsAPIController().register(api)
    GlobalIRTController().register(api)
    LookupAPIController().register(api)
}
