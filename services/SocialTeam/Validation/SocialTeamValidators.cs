using Exchange.Contracts.SocialTeam.V1;
using Exchange.Contracts.V1;
using Exchange.Node.Validation;
using Exchange.ServiceDefaults.Errors;

namespace Exchange.SocialTeam.Validation;

public sealed class SupportStartedValidator : PayloadValidator<SupportStarted>
{
    protected override void Validate(SupportStarted support, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubjects(support.Household, $"{paths.Payload}.household");
        violations.Require(support.ContactPoint is { Team.Length: > 0 }, $"{paths.Payload}.contact_point.team", "the team to contact is required");
    }
}

public sealed class SupportPlanValidator : PayloadValidator<SupportPlan>
{
    protected override void Validate(SupportPlan plan, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubject(plan.Person, $"{paths.Payload}.person");
        for (var i = 0; i < plan.Goals.Count; i++)
        {
            violations.RequireDefined(plan.Goals[i].Area, $"{paths.Payload}.goals[{i}].area");
        }
    }
}

public sealed class StrengthsAndNetworkValidator : PayloadValidator<StrengthsAndNetwork>
{
    protected override void Validate(StrengthsAndNetwork strengths, Signal envelope, FieldPaths paths, FieldViolations violations)
    {
        violations.RequireSubjects(strengths.Household, $"{paths.Payload}.household");
        violations.Require(
            strengths.ProtectiveFactors.Count > 0 || strengths.Network.Count > 0,
            $"{paths.Payload}.protective_factors",
            "name at least one protective factor or network member");
    }
}

public sealed class SafetyAssessmentValidator : PayloadValidator<SafetyAssessment>
{
    protected override void Validate(SafetyAssessment assessment, Signal envelope, FieldPaths paths, FieldViolations violations) =>
        violations.RequireAssessment(assessment.HasScore, assessment.Score, assessment.AssessedAt, envelope, paths);
}
