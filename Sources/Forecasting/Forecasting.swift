// `import Forecasting` brings the whole library: the core (data, time, formulas, regression,
// inference) is re-exported so users never name the layer below.
@_exported import ForecastingCore
