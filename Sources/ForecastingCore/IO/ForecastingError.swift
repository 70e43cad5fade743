/// An error of the library that describes itself in one line: what went wrong and where (file, line,
/// column, term or rep), in the words of the data, never of a particular front end.
///
/// Every error enum of Forecasting conforms, so a program can catch them all at once:
///
/// ```swift
/// do { try run() } catch let error as any ForecastingError { print("error: \(error)") }
/// ```
public protocol ForecastingError: Error, CustomStringConvertible, Sendable {}

extension CSVError: ForecastingError {}
extension DataError: ForecastingError {}
extension FormulaError: ForecastingError {}
extension RegressionError: ForecastingError {}
extension ModelFileError: ForecastingError {}
extension OutputError: ForecastingError {}
extension LinearAlgebraError: ForecastingError {}
extension TimeError: ForecastingError {}
