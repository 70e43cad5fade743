import Foundation

/// A fitted model as stored on disk by `salesforecast fit --save`: everything needed to predict
/// without the training data.
///
/// The file is JSON with `"format": "salesforecast.model"` and an integer `"version"` (currently 1).
/// Readers refuse other formats and versions newer than they know.
public struct SavedModel: Codable, Sendable, Equatable {
    /// The format name, always `salesforecast.model`.
    public var format: String
    /// The format version (1).
    public var version: Int
    /// The program that wrote the file.
    public var generator: String
    public var formula: String
    public var dependent: String
    public var method: String
    public var weightsColumn: String?
    public var hasIntercept: Bool
    public var hasConstant: Bool
    /// Column names in coefficient order.
    public var columns: [String]
    public var coefficients: [Double]
    /// The covariance type of `covariance`.
    public var covarianceType: String
    /// Covariance of the coefficients (rows), of `covarianceType`.
    public var covariance: [[Double?]]
    /// (XᵀWX)⁻¹, rows.
    public var normalizedCovariance: [[Double?]]
    /// σ̂², the residual variance.
    public var scale: Double?
    public var dfResidual: Double
    /// Degrees of freedom for t and F with the saved covariance (clusters − 1 when clustered).
    public var dfInference: Double?
    public var dfModel: Double
    public var nObservations: Int
    public var ridgePenalty: Double?
    /// Levels of categorical factors and statistics of `center`/`standardize`, keyed by factor name.
    public var encodings: [String: FactorEncoding]
    public var rSquared: Double?
    public var sigma: Double?
    /// The period, entity and group columns, for models with time terms or roll-ups.
    public var panel: PanelLayout?
    /// [minimum, maximum] of each numeric column over the rows fitted, for extrapolation warnings.
    public var ranges: [String: [Double]]?
    /// The exchangeable correlation of residuals within a rep, for roll-up intervals.
    public var withinEntityCorrelation: Double?

    /// The current format version.
    public static let currentVersion = 1
    static let formatName = "salesforecast.model"

    enum CodingKeys: String, CodingKey {
        case format, version, generator, formula, dependent, method
        case weightsColumn = "weights_column", hasIntercept = "has_intercept", hasConstant = "has_constant"
        case columns, coefficients, covarianceType = "covariance_type", covariance
        case normalizedCovariance = "normalized_covariance", scale
        case dfResidual = "df_residual", dfInference = "df_inference", dfModel = "df_model", nObservations = "n_observations"
        case ridgePenalty = "ridge_penalty", encodings, rSquared = "r_squared", sigma, panel, ranges, withinEntityCorrelation = "within_entity_correlation"
    }

    /// The model file's JSON text (stable key order, full-precision numbers).
    public func jsonText() -> String {
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
        return JSONValue.object([
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

    /// Writes the model atomically to `path`.
    public func write(to path: String) throws(OutputError) {
        try AtomicFile.write(jsonText(), to: path)
    }

    /// Reads and checks a model file.
    /// - Throws: ``ModelFileError`` when the file is missing, not JSON, not a model, from a newer
    ///   version, or internally inconsistent (for example a truncated coefficient list).
    public static func load(path: String) throws(ModelFileError) -> SavedModel {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw FileManager.default.fileExists(atPath: path) ? .unreadable(path: path) : .notFound(path: path)
        }
        return try decode(data, path: path)
    }

    /// Decodes and checks a model document.
    public static func decode(_ data: Data, path: String) throws(ModelFileError) -> SavedModel {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .notJSON(path: path)
        }
        guard object["format"] as? String == formatName else { throw .notAModel(path: path) }
        guard let version = object["version"] as? Int else { throw .invalid(path: path, reason: "no version number") }
        guard version <= currentVersion, version >= 1 else {
            throw .unsupportedVersion(path: path, found: version, supported: currentVersion)
        }
        let model: SavedModel
        do { model = try JSONDecoder().decode(SavedModel.self, from: data) } catch let error as DecodingError {
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

extension RegressionResults {
    /// The fit as a ``SavedModel`` for `fit --save`.
    public func savedModel(generator: String = "salesforecast \(ForecastingVersion.current)") -> SavedModel {
        let p = parameterCount
        func rows(_ m: Matrix) -> [[Double?]] {
            (0..<p).map { i in (0..<p).map { j in m[i, j].isFinite ? m[i, j] : nil } }
        }
        return SavedModel(
            format: SavedModel.formatName, version: SavedModel.currentVersion, generator: generator,
            formula: formula ?? "", dependent: responseName, method: method, weightsColumn: weightsColumn,
            hasIntercept: hasIntercept, hasConstant: hasConstant, columns: columnNames, coefficients: coefficients,
            covarianceType: covarianceType.rawValue, covariance: rows(covariance), normalizedCovariance: rows(normalizedCovariance),
            scale: scale.isFinite ? scale : nil, dfResidual: dfResidual, dfInference: inferenceDegreesOfFreedom, dfModel: dfModel, nObservations: observationCount,
            ridgePenalty: ridgePenalty, encodings: encodings, rSquared: rSquared.isFinite ? rSquared : nil,
            sigma: residualStandardError.isFinite ? residualStandardError : nil, panel: panel, ranges: ranges, withinEntityCorrelation: withinEntityCorrelation)
    }
}

/// The library's version.
public enum ForecastingVersion {
    /// The version string, e.g. `0.1.0`.
    public static let current = "0.1.0"
}
