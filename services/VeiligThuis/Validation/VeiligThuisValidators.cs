using Exchange.Contracts.V1;
using Exchange.Contracts.VeiligThuis.V1;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;

namespace Exchange.VeiligThuis.Validation;

/// <summary>A safety assessment always says on what it rests: without a source it is not an assessment.</summary>
public sealed class SafetyAssessmentValidator : PayloadValidator<SafetyAssessment>
{
    protected override void Validate(SafetyAssessment assessment, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireAssessment(assessment.HasScore, assessment.Score, assessment.AssessedAt, envelope, paths);
        violations.RequireDefined(assessment.ViolenceType, $"{paths.Payload}.violence_type");
    }
}

public sealed class ReportReceivedValidator : PayloadValidator<ReportReceived>
{
    protected override void Validate(ReportReceived report, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireDefined(report.ReporterKind, $"{paths.Payload}.reporter_kind");
        violations.Require(report.ReceivedAt is not null, $"{paths.Payload}.received_at", "when the report came in is required");
    }
}

public sealed class CaseStatusValidator : PayloadValidator<CaseStatus>
{
    protected override void Validate(CaseStatus status, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireDefined(status.Phase, $"{paths.Payload}.phase");
        violations.Require(status.Since is not null, $"{paths.Payload}.since", "since when is required");
    }
}

public sealed class HandoverToCareValidator : PayloadValidator<HandoverToCare>
{
    protected override void Validate(HandoverToCare handover, Signal envelope, FieldPaths paths, FieldViolations violations) =>
        violations.RequireText(handover.ReceivingOrganisationId, $"{paths.Payload}.receiving_organisation_id");
}

public sealed class ShelterStayValidator : PayloadValidator<ShelterStay>
{
    protected override void Validate(ShelterStay stay, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubjects(stay.Residents, $"{paths.Payload}.residents");
        violations.RequireText(stay.ShelterAddress, $"{paths.Payload}.shelter_address");
        violations.RequirePeriod(stay.Period, $"{paths.Payload}.period", endRequired: false);
    }
}
