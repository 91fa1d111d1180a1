import Foundation
import RenkeiCore
import Vapor

/// CVSS scoring for people (a calculator page per version, usable without JavaScript) and
/// scripts (`GET /api/v1/cvss?vector=…`).
struct CVSSController {
    func register(pages: any RoutesBuilder, api: any RoutesBuilder) {
        pages.get(.cvss) { request in
            request.redirect(to: SiteURL.cvssCalculator(.value(CVSSVersion.v4_0.rawValue)).path)
        }
        pages.get(.cvssCalculator(.key), use: calculator)
        api.get(.apiCVSS, use: score)
    }

    /// The result with every field, for the API.
    struct ResultDocument: Content {
        var result: CVSSResult
        init(_ result: CVSSResult) { self.result = result }
        init(from decoder: any Decoder) throws { result = try CVSSResult(from: decoder) }
        func encode(to encoder: any Encoder) throws { try result.encode(to: encoder) }
    }

    func score(request: Request) async throws -> ResultDocument {
        guard let vector = try? request.query.get(String.self, at: "vector"), !vector.isEmpty else {
            throw AppError.invalid([FieldError(field: "vector", message: "Give a vector: ?vector=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")])
        }
        do {
            return ResultDocument(try CVSS.score(vector))
        } catch {
            throw AppError.invalid([FieldError(field: error.metric ?? "vector", message: error.description)])
        }
    }

    struct Page: Encodable {
        struct Version: Encodable {
            var name: String
            var url: String
            var current: Bool
        }
        struct Option: Encodable {
            var code: String
            var name: String
            var checked: Bool
        }
        struct Metric: Encodable {
            var code: String
            var name: String
            var options: [Option]
        }
        struct Group: Encodable {
            var name: String
            var metrics: [Metric]
        }
        struct Score: Encodable {
            var label: String
            var value: String
            var severity: String
        }
        var chrome: Chrome
        var version: String
        var prefix: String
        var notDefined: String
        var versions: [Version]
        var groups: [Group]
        var vector: String
        var scores: [Score]?
        var nomenclature: String?
        var details: [CVSSDetail]?
        var error: String?
        var apiURL: String
    }

    func calculator(request: Request) async throws -> Response {
        guard let versionText = request.parameters.get(SiteURL.versionKey), let version = CVSSVersion(rawValue: versionText) else {
            throw AppError.notFound("Renkei scores CVSS 2.0, 3.0, 3.1 and 4.0.")
        }
        // A typed vector wins; otherwise the chosen metrics (the form without JavaScript).
        let typed = (try? request.query.get(String.self, at: "vector"))?.trimmingCharacters(in: .whitespaces) ?? ""
        var chosen: [String: String] = [:]
        for metric in CVSSCatalog.groups(version).flatMap(\.metrics) {
            if let value = try? request.query.get(String.self, at: metric.code) { chosen[metric.code] = value }
        }
        let vector = typed.isEmpty ? CVSSCatalog.vector(version, values: chosen) : typed
        var page = Page(chrome: Chrome(request: request, title: "CVSS \(version.rawValue) calculator"), version: version.rawValue,
                        prefix: CVSSCatalog.prefix(version), notDefined: CVSSCatalog.notDefined(version),
                        versions: CVSSVersion.allCases.map {
                            .init(name: $0.rawValue, url: SiteURL.cvssCalculator(.value($0.rawValue)).path, current: $0 == version)
                        },
                        groups: [], vector: vector, apiURL: SiteURL.apiCVSS.path)
        var values = CVSSCatalog.values(of: vector)
        switch Result(catching: { () throws(CVSSError) in try CVSS.score(vector) }) {
        case .success(let result):
            // A vector of another version belongs on that version's calculator.
            guard result.version == version else {
                return request.redirect(to: SiteURL.cvssCalculator(.value(result.version.rawValue)).path + "?vector="
                                        + (vector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
            values = CVSSCatalog.values(of: result.vectorString)
            page.scores = Self.scores(result)
            page.nomenclature = result.nomenclature
            page.details = result.details.nonEmpty
        case .failure(let error):
            page.error = error.description
        }
        page.groups = CVSSCatalog.groups(version).map { group in
            Page.Group(name: group.name, metrics: group.metrics.map { metric in
                let selected = values[metric.code] ?? metric.values[0].code
                return Page.Metric(code: metric.code, name: metric.name, options: metric.values.map {
                    .init(code: $0.code, name: $0.name, checked: $0.code == selected)
                })
            })
        }
        return try await page.render("cvss", on: request).encodeResponse(for: request)
    }

    static func scores(_ result: CVSSResult) -> [Page.Score] {
        func entry(_ label: String, _ score: Double?, _ severity: String?) -> Page.Score? {
            score.map { Page.Score(label: label, value: String(format: "%.1f", $0), severity: severity ?? "") }
        }
        return [entry("CVSS \(result.version.rawValue)", result.score, result.severity),
                entry("Base", result.baseScore, result.baseSeverity),
                entry("Temporal", result.temporalScore, result.temporalSeverity),
                entry("Environmental", result.environmentalScore, result.environmentalSeverity)].compactMap { $0 }
    }
}
