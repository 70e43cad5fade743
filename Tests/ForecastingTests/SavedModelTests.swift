import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Saved model files")
struct SavedModelTests {
    @Test("A saved model reads back equal, written atomically with no stray temporary file")
    func roundTrip() throws {
        let data = try CSVReader.read(path: Fixtures.path("nist/Longley.csv"))
        let model = try fit("y ~ x1 + I(x2/1000) + log(x6)", to: data)
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.json").path
        try model.write(to: path)
        try model.write(to: path)  // replacing an existing file
        let reloaded = try LinearModel(contentsOf: URL(fileURLWithPath: path))
        #expect(reloaded.modelFileText() == model.modelFileText())
        #expect(reloaded.coefficients == model.coefficients && reloaded.covariance == model.covariance)
        // Codable: the model encodes as its file form and decodes back to the same numbers.
        let decoded = try JSONDecoder().decode(LinearModel.self, from: JSONEncoder().encode(model))
        #expect(decoded.modelFileText(generator: "g") == model.modelFileText(generator: "g"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.json"])
    }

    @Test("Broken model files are refused with a reason")
    func refused() throws {
        let data = try CSVReader.read(path: Fixtures.path("nist/Longley.csv"))
        let text = try fit("y ~ x1", to: data).modelFileText()
        let cases: [(String, String)] = [
            (String(text.prefix(text.count / 2)), "not a JSON object"),
            (text.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 7"), "version 7 is newer"),
            (text.replacingOccurrences(of: "salesforecast.model", with: "something.else"), "not a salesforecast model"),
            (text.replacingOccurrences(of: "\"coefficients\": [", with: "\"coefficients\": [1, "), "sizes differ"),
            (text.replacingOccurrences(of: "\"formula\":", with: "\"formulx\":"), "'formula' is missing"),
            ("[]", "not a JSON object"),
        ]
        for (document, fragment) in cases {
            let error = #expect(throws: ModelFileError.self, "accepted a broken model: \(fragment)") {
                try LinearModel(modelFile: Data(document.utf8), path: "m.json")
            }
            #expect(error?.description.contains(fragment) == true, "\(String(describing: error))")
            #expect(error?.description.hasPrefix("m.json: ") == true)
        }
        #expect(throws: ModelFileError.notFound(path: "/nonexistent/model.json")) { try LinearModel(contentsOf: URL(fileURLWithPath: "/nonexistent/model.json")) }
    }
}
