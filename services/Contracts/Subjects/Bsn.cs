namespace Exchange.Contracts.Subjects;

/// <summary>The Dutch citizen service number, checked but never kept.</summary>
public static class Bsn
{
    /// <summary>Nine digits passing the 11-proof (weights 9..2, and -1 for the last digit), not all zero.</summary>
    public static bool IsValid(ReadOnlySpan<char> value)
    {
        if (value.Length != 9)
        {
            return false;
        }

        var sum = 0;
        var allZero = true;
        for (var i = 0; i < 9; i++)
        {
            var c = value[i];
            if (c is < '0' or > '9')
            {
                return false;
            }

            var digit = c - '0';
            allZero &= digit == 0;
            sum += i < 8 ? digit * (9 - i) : -digit;
        }

        return !allZero && sum % 11 == 0;
    }
}
