using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;

namespace Exchange.Police.Validation;

public sealed class DomesticViolenceIncidentValidator : PayloadValidator<DomesticViolenceIncident>
{
    protected override void Validate(DomesticViolenceIncident incident, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        var path = paths.Payload;
        violations.RequireSubject(incident.Suspect, $"{path}.suspect");
        violations.RequireSubjects(incident.Victims, $"{path}.victims");
        violations.Require(incident.Forms.Count > 0, $"{path}.forms", "at least one form of violence is required");
        for (var i = 0; i < incident.Forms.Count; i++)
        {
            violations.RequireDefined(incident.Forms[i], $"{path}.forms[{i}]");
        }

        violations.RequireText(incident.Narrative, $"{path}.narrative");
    }
}

public sealed class RestrainingOrderValidator : PayloadValidator<RestrainingOrder>
{
    protected override void Validate(RestrainingOrder order, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        var path = paths.Payload;
        violations.RequireSubject(order.RestrainedPerson, $"{path}.restrained_person");
        violations.RequireDefined(order.Kind, $"{path}.kind");
        violations.RequirePeriod(order.Period, $"{path}.period", endRequired: true);
    }
}

public sealed class AlarmDeviceIssuedValidator : PayloadValidator<AlarmDeviceIssued>
{
    protected override void Validate(AlarmDeviceIssued device, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        var path = paths.Payload;
        violations.RequireSubject(device.Carrier, $"{path}.carrier");
        violations.RequireDefined(device.Kind, $"{path}.kind");
        violations.RequirePeriod(device.Period, $"{path}.period", endRequired: false);
    }
}

/// <summary>An assessment names its sources, like Veilig Thuis's: scores without a basis cannot be compared.</summary>
public sealed class RiskAssessmentValidator : PayloadValidator<RiskAssessment>
{
    protected override void Validate(RiskAssessment assessment, Signal envelope, FieldPaths paths, FieldViolations violations) =>
        violations.RequireAssessment(assessment.HasScore, assessment.Score, assessment.AssessedAt, envelope, paths);
}
