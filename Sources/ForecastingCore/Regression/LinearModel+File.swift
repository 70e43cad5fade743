import Foundation

/// The model file's fields (`"format": "salesforecast.model"`, `"version"` 1; 2 adds `mixed` for a linear
/// mixed model, 3 adds `glm` for a count model): the on-disk form of a
/// ``LinearModel``, everything prediction needs without the training data. Readers refuse other
/// formats and versions newer than they know.
struct ModelFile: Codable, Sendable, Equatable {
    /// The format name, always `salesforecast.model`.
    var format: String
    /// The format version (1).
    var version: Int
    /// The program that wrote the file.
    var generator: String
    var formula: String
    var dependent: String
    var method: String
    var weightsColumn: String?
    var hasIntercept: Bool
    var hasConstant: Bool
    /// Column names in coefficient order.
    var columns: [String]
    var coefficients: [Double]
    /// The covariance type of `covariance`.
    var covarianceType: String
    /// Covariance of the coefficients (rows), of `covarianceType`.
    var covariance: [[Double?]]
    /// (XᵀWX)⁻¹, rows.
    var normalizedCovariance: [[Double?]]
    /// σ̂², the residual variance.
    var scale: Double?
    var dfResidual: Double
    /// Degrees of freedom for t and F with the saved covariance (clusters − 1 when clustered).
    var dfInference: Double?
    var dfModel: Double
    var nObservations: Int
    var ridgePenalty: Double?
    /// Levels of categorical factors and statistics of `center`/`standardize`, keyed by factor name.
    var encodings: [String: FactorEncoding]
    var rSquared: Double?
    var sigma: Double?
    /// The period, entity and group columns, for models with time terms or roll-ups.
    var panel: PanelLayout?
    /// [minimum, maximum] of each numeric column over the rows fitted, for extrapolation warnings.
    var ranges: [String: [Double]]?
    /// The exchangeable correlation of residuals within a rep, for roll-up intervals.
    var withinEntityCorrelation: Double?
    /// The random-effect part of a linear mixed model (version 2 and later).
    var mixed: MixedModelFile?
    /// The count-model part (version 3 and later).
    var glm: GeneralizedModelFile?

    /// The current format version.
    static let currentVersion = 3
    static let formatName = "salesforecast.model"

    enum CodingKeys: String, CodingKey {
        case format, version, generator, formula, dependent, method
        case weightsColumn = "weights_column", hasIntercept = "has_intercept", hasConstant = "has_constant"
        case columns, coefficients, covarianceType = "covariance_type", covariance
        case normalizedCovariance = "normalized_covariance", scale
        case dfResidual = "df_residual", dfInference = "df_inference", dfModel = "df_model", nObservations = "n_observations"
        case ridgePenalty = "ridge_penalty", encodings, rSquared = "r_squared", sigma, panel, ranges, withinEntityCorrelation = "within_entity_correlation", mixed, glm
    }

    /// The model file's JSON text (stable key order, full-precision numbers).
    func jsonText() -> String {
        func matrix(_ rows: [[Double?]]) -> JSONValue { .array(rows.map { .array($0.map { JSONValue.finite($0) }) }) }
        let encodingValues: [(String, JSONValue)] = encodings.keys.sorted().map { key in
            let e = encodings[key] ?? FactorEncoding()
            var fields: [(String, JSONValue)] = []
            if let levels = e.levels { fields.append(("levels", .array(levels.map { .string($0) }))) }
            if let reference = e.reference { fields.append(("reference", .integer(reference))) }
            if let statistics = e.statistics {
                fields.append(("statistics", .object(statistics.keys.sorted().map { k in
                    (k, .array((statistics[k] ?? []).map { .finite($0) }))
                })))
            }
            return (key, .object(fields))
        }
        let text = JSONValue.object([
            ("format", .string(format)), ("version", .integer(version)), ("generator", .string(generator)),
            ("formula", .string(formula)), ("dependent", .string(dependent)), ("method", .string(method)),
            ("weights_column", weightsColumn.map { .string($0) } ?? .null),
            ("has_intercept", .bool(hasIntercept)), ("has_constant", .bool(hasConstant)),
            ("columns", .array(columns.map { .string($0) })),
            ("coefficients", .array(coefficients.map { .finite($0) })),
            ("covariance_type", .string(covarianceType)), ("covariance", matrix(covariance)),
            ("normalized_covariance", matrix(normalizedCovariance)), ("scale", .finite(scale)),
            ("df_residual", .finite(dfResidual)), ("df_inference", .finite(dfInference)), ("df_model", .finite(dfModel)),
            ("n_observations", .integer(nObservations)), ("ridge_penalty", ridgePenalty.map { .number($0) } ?? .null),
            ("encodings", .object(encodingValues)), ("r_squared", .finite(rSquared)), ("sigma", .finite(sigma)),
            ("panel", panel.map { p in .object([("period", .string(p.period)), ("entity", p.entity.map { .string($0) } ?? .null),
                                                ("group", p.group.map { .string($0) } ?? .null)]) } ?? .null),
            ("ranges", rangesJSON),
            ("within_entity_correlation", .finite(withinEntityCorrelation)),
        ]).serialized()
        if let glm, let close = text.lastIndex(of: "}") {
            // The count-model part as the last member.
            return String(text[..<close]) + ", \"glm\": " + glm.jsonValue.serialized() + String(text[close...])
        }
        guard let mixed, let close = text.lastIndex(of: "}") else { return text }
        // The random-effect part, encoded by its Codable conformance, as the last member.
        return String(text[..<close]) + ", \"mixed\": " + mixed.jsonText() + String(text[close...])
    }

    private var rangesJSON: JSONValue {
        guard let ranges else { return .null }
        var members: [(String, JSONValue)] = []
        for key in ranges.keys.sorted() {
            let values: [JSONValue] = (ranges[key] ?? []).map { JSONValue.finite($0) }
            members.append((key, JSONValue.array(values)))
        }
        return .object(members)
    }

    /// Decodes and checks a model document.
    static func decode(_ data: Data, path: String) throws(ModelFileError) -> ModelFile {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .notJSON(path: path)
        }
        guard object["format"] as? String == formatName else { throw .notAModel(path: path) }
        guard let version = object["version"] as? Int else { throw .invalid(path: path, reason: "no version number") }
        guard version <= currentVersion, version >= 1 else {
            throw .unsupportedVersion(path: path, found: version, supported: currentVersion)
        }
        let model: ModelFile
        do { model = try JSONDecoder().decode(ModelFile.self, from: data) } catch let error as DecodingError {
            throw .invalid(path: path, reason: Self.describe(error))
        } catch {
            throw .invalid(path: path, reason: "\(error)")
        }
        let p = model.columns.count
        guard p > 0, model.coefficients.count == p, model.covariance.count == p, model.covariance.allSatisfy({ $0.count == p }),
              model.normalizedCovariance.count == p, model.normalizedCovariance.allSatisfy({ $0.count == p }) else {
            throw .invalid(path: path, reason: "\(p) columns but coefficient or covariance sizes differ")
        }
        guard model.coefficients.allSatisfy(\.isFinite) else { throw .invalid(path: path, reason: "a coefficient is not a finite number") }
        guard (try? Formula(model.formula)) != nil else { throw .invalid(path: path, reason: "its formula does not parse") }
        return model
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "the field '\(key.stringValue)' is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "the field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        @unknown default: "it cannot be decoded"
        }
    }
}

/// A model file that cannot be used.
public enum ModelFileError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFound(path: String)
    case unreadable(path: String)
    case notJSON(path: String)
    case notAModel(path: String)
    case notAFactor(path: String)
    case unsupportedVersion(path: String, found: Int, supported: Int)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notFound(path): "\(path): no such file"
        case let .unreadable(path): "\(path): the file cannot be read"
        case let .notJSON(path): "\(path): not a model file (not a JSON object; truncated?)"
        case let .notAModel(path): "\(path): not a salesforecast model file (no \"format\": \"salesforecast.model\")"
        case let .notAFactor(path): "\(path): not a salesforecast factor file (no \"format\": \"salesforecast.factor\")"
        case let .unsupportedVersion(path, found, supported):
            "\(path): model file version \(found) is newer than this salesforecast reads (up to \(supported)); upgrade salesforecast"
        case let .invalid(path, reason): "\(path): invalid model file: \(reason)"
        }
    }
}

extension ModelFile {
    /// The file form of a model.
    init(_ model: LinearModel, generator: String) {
        let p = model.parameterCount
        func rows(_ m: Matrix) -> [[Double?]] {
            (0..<p).map { i in (0..<p).map { j in m[i, j].isFinite ? m[i, j] : nil } }
        }
        self.init(
            format: Self.formatName, version: model.generalized != nil ? 3 : (model.mixedEffects == nil ? 1 : 2), generator: generator,
            formula: model.formula?.text ?? "", dependent: model.responseName, method: model.method.rawValue, weightsColumn: model.weightsColumn,
            hasIntercept: model.hasIntercept, hasConstant: model.hasConstant, columns: model.columnNames, coefficients: model.coefficients,
            covarianceType: model.covarianceType.rawValue, covariance: rows(model.covariance),
            normalizedCovariance: rows(model.normalizedCovariance), scale: model.scale.isFinite ? model.scale : nil,
            dfResidual: model.dfResidual, dfInference: model.inferenceDegreesOfFreedom, dfModel: model.dfModel,
            nObservations: model.observationCount, ridgePenalty: model.ridgePenalty, encodings: model.encodings,
            rSquared: model.generalized == nil && model.rSquared.isFinite ? model.rSquared : nil,
            sigma: model.generalized == nil && model.residualStandardError.isFinite ? model.residualStandardError : nil, panel: model.panel,
            ranges: model.ranges, withinEntityCorrelation: model.generalized == nil ? model.withinEntityCorrelation : nil,
            mixed: model.mixedEffects.map(MixedModelFile.init), glm: model.generalized.map(GeneralizedModelFile.init))
    }
}

extension LinearModel: Codable {
    /// Reads a model file written by ``write(to:generator:)`` (or `salesforecast fit --save`).
    ///
    /// ```swift
    /// let model = try LinearModel(contentsOf: URL(fileURLWithPath: "model.json"))
    /// let prediction = try model.predict(newRows, level: 0.9)
    /// ```
    /// - Throws: ``ModelFileError`` when the file is missing, not JSON, not a model, from a newer
    ///   version, or internally inconsistent (for example a truncated coefficient list).
    public init(contentsOf url: URL) throws(ModelFileError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FileManager.default.fileExists(atPath: url.path) ? .unreadable(path: url.path) : .notFound(path: url.path)
        }
        try self.init(modelFile: data, path: url.path)
    }

    /// Decodes and checks a model document; `path` names it in errors.
    public init(modelFile data: Data, path: String) throws(ModelFileError) {
        let file = try ModelFile.decode(data, path: path)
        try self.init(file: file, path: path)
    }

    /// Decodes a model from its file form (see ``write(to:generator:)``).
    public init(from decoder: any Decoder) throws {
        let file = try ModelFile(from: decoder)
        guard file.format == ModelFile.formatName, file.version >= 1, file.version <= ModelFile.currentVersion else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not a salesforecast model of a version this library reads"))
        }
        try self.init(file: file, path: "model")
    }

    /// Encodes the model in its file form.
    public func encode(to encoder: any Encoder) throws {
        try ModelFile(self, generator: "Forecasting \(ForecastingVersion.current)").encode(to: encoder)
    }

    /// The model file's JSON text: stable key order, full-precision numbers.
    public func modelFileText(generator: String = "salesforecast \(ForecastingVersion.current)") -> String {
        ModelFile(self, generator: generator).jsonText()
    }

    /// Writes the model file atomically to `path`.
    public func write(to path: String, generator: String = "salesforecast \(ForecastingVersion.current)") throws(OutputError) {
        try AtomicFile.write(modelFileText(generator: generator), to: path)
    }

    /// A model from its checked file form: estimates, covariance, levels and layout; per-row arrays are empty.
    init(file m: ModelFile, path: String) throws(ModelFileError) {
        let p = m.columns.count, n = m.nObservations
        guard let formula = try? Formula(m.formula) else { throw .invalid(path: path, reason: "its formula does not parse") }
        let mixed = try m.mixed.map { (part) throws(ModelFileError) in try part.mixedEffects(path: path) }
        guard formula.isMixed == (mixed != nil), (mixed?.degreesOfFreedom.count ?? p) == p else {
            throw .invalid(path: path, reason: "its random effects do not match its formula")
        }
        let generalized = try m.glm.map { (part) throws(ModelFileError) in try part.fit(path: path) }
        guard formula.offsets.isEmpty || generalized != nil, generalized == nil || mixed == nil else {
            throw .invalid(path: path, reason: "its formula's offsets or random effects do not match its family")
        }
        func matrix(_ rows: [[Double?]]) -> Matrix {
            Matrix(rows: p, columns: p, values: (0..<p).flatMap { j in (0..<p).map { i in rows[i][j] ?? .nan } })
        }
        provenance = FitProvenance(
            formula: formula, responseName: m.dependent, weightsColumn: m.weightsColumn, panel: m.panel,
            rowLines: [], ranges: m.ranges ?? [:], encodings: m.encodings,
            notes: ["Read from a model file: residual diagnostics need the rows and are not available."]
                + (mixed == nil ? [] : ["Prediction intervals from a model file treat the estimation errors of the fixed effects and of each rep's effect as independent."]),
            savedRSquared: m.rSquared, mixed: mixed, generalized: generalized)
        columnNames = m.columns
        coefficients = m.coefficients
        normalizedCovariance = matrix(m.normalizedCovariance)
        covariance = matrix(m.covariance)
        covarianceType = CovarianceType(rawValue: m.covarianceType) ?? .nonrobust
        inferenceDegreesOfFreedom = m.dfInference ?? m.dfResidual
        residuals = []; weightedResiduals = []; fittedValues = []; response = []; leverage = []; singularValues = []
        weights = nil
        weightLogSum = m.weightsColumn == nil ? nil : .nan
        observationCount = n
        hasIntercept = m.hasIntercept
        hasConstant = m.hasConstant
        varianceInflationFactors = Array(repeating: nil, count: p)
        effectiveParameters = Double(n) - m.dfResidual
        let ssr = (m.scale ?? .nan) * m.dfResidual
        residualSumOfSquares = ssr
        totalSumOfSquares = m.rSquared.map { ssr / (1 - $0) } ?? .nan
        explainedSumOfSquares = totalSumOfSquares - ssr
        ridgePenalty = m.ridgePenalty
        withinEntityCorrelation = m.withinEntityCorrelation
        factorization = nil
    }
}

/// The library's version.
public enum ForecastingVersion {
    /// The version string, e.g. `0.1.0`.
    public static let current = "0.1.0"
}
