using Exchange.Contracts.Subjects;

namespace Exchange.Contracts.Tests.Subjects;

public sealed class BsnTests
{
    [Theory]
    [InlineData("111222333")]
    [InlineData("123456782")]
    [InlineData("999990019")]
    public void A_number_that_passes_the_eleven_proof_is_a_valid_bsn(string bsn) => Assert.True(Bsn.IsValid(bsn));

    [Theory]
    [InlineData("123456789")]
    [InlineData("111222334")]
    [InlineData("000000000")]
    [InlineData("12345678")]
    [InlineData("1234567820")]
    [InlineData("12345678a")]
    [InlineData("")]
    [InlineData(" 11122233")]
    public void Anything_else_is_not_a_valid_bsn(string value) => Assert.False(Bsn.IsValid(value));
}
