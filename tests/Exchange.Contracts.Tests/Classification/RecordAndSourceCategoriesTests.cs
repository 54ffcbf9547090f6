using Exchange.Contracts.Classification;
using Exchange.Contracts.Police.V1;
using Exchange.Contracts.V1;

namespace Exchange.Contracts.Tests.Classification;

public sealed class RecordAndSourceCategoriesTests
{
    public static TheoryData<string> PayloadTypes() => [.. Payloads.ByName.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(PayloadTypes))]
    public void Every_payload_type_declares_the_category_its_records_reveal(string payloadType) =>
        Assert.NotEqual(DataCategory.Unspecified, Categories.OfRecord(Payloads.ByName[payloadType]));

    [Fact]
    public void The_involved_organisation_a_lookup_discloses_declares_its_category_too() =>
        Assert.Equal(DataCategory.Involvement, Categories.OfRecord(InvolvedOrganisation.Descriptor));

    [Fact]
    public void An_incident_reveals_incident_data_by_existing_and_a_restraining_order_a_measure()
    {
        Assert.Equal(DataCategory.Incident, Categories.OfRecord(DomesticViolenceIncident.Descriptor));
        Assert.Equal(DataCategory.Measure, Categories.OfRecord(RestrainingOrder.Descriptor));
    }

    [Fact]
    public void Every_kind_of_source_declares_what_naming_it_reveals()
    {
        foreach (var kind in Enum.GetValues<SourceKind>().Where(k => k != SourceKind.Unspecified))
        {
            Assert.NotEqual(DataCategory.Unspecified, Categories.OfSource(kind));
        }

        Assert.Equal(DataCategory.Criminal, Categories.OfSource(SourceKind.PoliceReport));
        Assert.Equal(DataCategory.Unspecified, Categories.OfSource(SourceKind.Unspecified));
    }
}
