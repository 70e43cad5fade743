# Turns Tests/Reference/glm_reference.txt (from glm_reference.R) into Tests/ForecastingTests/GLMReference.swift.
#   python3 Tests/Reference/glm_reference_to_swift.py
import re,sys
txt=open('Tests/Reference/glm_reference.txt').read()
sections=re.split(r'\n(?=// )',txt.strip())
names={'quine, negative binomial':'quineNegativeBinomial','quine, Poisson':'quinePoisson','warpbreaks, Poisson':'warpbreaksPoisson',
'Insurance, Poisson with offset':'insurancePoisson','epil, negative binomial with offset':'epilNegativeBinomial'}
out=['// Generated from Tests/Reference/glm_reference.txt, the output of Tests/Reference/glm_reference.R',
'// (R 4.2.2, MASS 7.3-58.2, sandwich; glm.control(epsilon = 1e-14, maxit = 100); theta.ml to 1e-10).',
'// Datasets: MASS::quine, datasets::warpbreaks, MASS::Insurance, MASS::epil (CSV in Tests/Fixtures/glm/).','','@testable import ForecastingCore','',
'/// One R fit: estimates and inference of `glm(family = poisson)` or `MASS::glm.nb`, with sandwich standard errors.',
'struct GLMReferenceCase: Sendable, CustomStringConvertible {',
'    var name: String, fixture: String, formula: String, family: ResponseFamily, cluster: String?',
'    var estimates, standardErrors, zValues, pValues: [Double]',
'    var deviance, nullDeviance, dfResidual, dfNull, logLikelihood, aic, bic: Double',
'    var iterations: Int',
'    var theta, thetaStandardError: Double?',
'    var hc0StandardErrors, hc3StandardErrors: [Double]',
'    var clusterStandardErrors: [Double]?',
'    var description: String { name }',
'}','','enum GLMReference {']
meta={'quineNegativeBinomial':('quine.csv','Days ~ Eth + Sex + Age + Lrn','.negativeBinomial','"group"'),
'quinePoisson':('quine.csv','Days ~ Eth + Sex + Age + Lrn','.poisson','"group"'),
'warpbreaksPoisson':('warpbreaks.csv','breaks ~ wool + tension','.poisson','nil'),
'insurancePoisson':('insurance.csv','Claims ~ C(District) + Group + Age + offset(log(Holders))','.poisson','"District"'),
'epilNegativeBinomial':('epil.csv','y ~ trt + age + period + offset(log(base/4))','.negativeBinomial','"subject"')}
cases=[]
rest=[]
for sec in sections:
    head=sec.split('\n')[0]
    key=None
    for k,v in names.items():
        if head.startswith('// '+k): key=v
    vals=dict(re.findall(r'static let (\w+)(?:: \[Double\])? = (.*)',sec))
    if key is None:
        rest.append(sec); continue
    f,form,fam,cl=meta[key]
    cases.append(key)
    def arr(n): return re.sub(r'\s+',' ',vals[n]).replace('[ ','[')
    def sc(n): return vals[n].strip()
    out.append(f'    /// {head[3:]}')
    out.append(f'    static let {key} = GLMReferenceCase(')
    out.append(f'        name: "{key}", fixture: "{f}", formula: "{form}", family: {fam}, cluster: {cl},')
    out.append(f'        estimates: {arr("estimates")},')
    out.append(f'        standardErrors: {arr("standardErrors")},')
    out.append(f'        zValues: {arr("zValues")},')
    out.append(f'        pValues: {arr("pValues")},')
    out.append(f'        deviance: {sc("deviance")}, nullDeviance: {sc("nullDeviance")}, dfResidual: {sc("dfResidual")}, dfNull: {sc("dfNull")},')
    out.append(f'        logLikelihood: {sc("logLikelihood")}, aic: {sc("aic")}, bic: {sc("bic")}, iterations: {sc("iterations")},')
    out.append(f'        theta: {sc("theta") if "theta" in vals else "nil"}, thetaStandardError: {sc("thetaStandardError") if "thetaStandardError" in vals else "nil"},')
    out.append(f'        hc0StandardErrors: {arr("hc0StandardErrors")},')
    out.append(f'        hc3StandardErrors: {arr("hc3StandardErrors")},')
    out.append(f'        clusterStandardErrors: {arr("clusterStandardErrors") if "clusterStandardErrors" in vals else "nil"})')
out.append('    static let cases = ['+', '.join(cases)+']')
for sec in rest:
    for line in sec.split('\n'):
        line=re.sub(r'\s+',' ',line).strip()
        if line.startswith('//'): out.append('    '+line)
        elif line: out.append('    '+line.replace('[ ','['))
out.append('}')
open('Tests/ForecastingTests/GLMReference.swift','w').write('\n'.join(out)+'\n')
