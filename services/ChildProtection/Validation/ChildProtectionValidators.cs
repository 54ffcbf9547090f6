using Exchange.Contracts.ChildProtection.V1;
using Exchange.Contracts.V1;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;

namespace Exchange.ChildProtection.Validation;

public sealed class InvestigationStartedValidator : PayloadValidator<InvestigationStarted>
{
    protected override void Validate(InvestigationStarted investigation, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubjects(investigation.Children, $"{paths.Payload}.children");
        violations.RequireDefined(investigation.Kind, $"{paths.Payload}.kind");
        violations.Require(investigation.StartedAt is not null, $"{paths.Payload}.started_at", "the start date is required");
    }
}

public sealed class ChildProtectionMeasureValidator : PayloadValidator<ChildProtectionMeasure>
{
    protected override void Validate(ChildProtectionMeasure measure, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubjects(measure.Children, $"{paths.Payload}.children");
        violations.RequireDefined(measure.Kind, $"{paths.Payload}.kind");
        violations.RequireDefined(measure.Stage, $"{paths.Payload}.stage");
        if (measure.Stage == MeasureStage.Imposed)
        {
            violations.RequirePeriod(measure.Period, $"{paths.Payload}.period", endRequired: true);
        }
    }
}

public sealed class CourtHearingScheduledValidator : PayloadValidator<CourtHearingScheduled>
{
    protected override void Validate(CourtHearingScheduled hearing, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubjects(hearing.Children, $"{paths.Payload}.children");
        violations.Require(hearing.HearingAt is not null, $"{paths.Payload}.hearing_at", "the hearing date is required");
        violations.RequireDefined(hearing.Matter, $"{paths.Payload}.matter");
    }
}

public sealed class SafetyAssessmentValidator : PayloadValidator<SafetyAssessment>
{
    protected override void Validate(SafetyAssessment assessment, Signal envelope, FieldPaths paths, FieldViolations violations) =>
        violations.RequireAssessment(assessment.HasScore, assessment.Score, assessment.AssessedAt, envelope, paths);
}
