namespace Exchange.Console.Law;

/// <summary>A ground on which a controller may restrict the right of access.</summary>
public sealed record WithholdingGround(string Id, string Dutch, string English);

/// <summary>
/// The grounds of UAVG art. 41 lid 1 (which implements AVG art. 23 lid 1) that can apply when a recipient
/// is withheld from an access report in this field; the full list has more (defence, judicial independence,
/// civil claims) that do not. A restriction is allowed only as far as necessary and proportionate, case by
/// case (CJEU C-154/21: the subject is entitled to the actual recipients). Source: UAVG art. 41, AVG art. 23;
/// the selection is *to confirm* by a lawyer.
/// </summary>
public static class WithholdingGrounds
{
    public static IReadOnlyList<WithholdingGround> All { get; } =
    [
        new("uavg-41-1-i", "Bescherming van de betrokkene of van de rechten en vrijheden van anderen (art. 41 lid 1 sub i UAVG)",
            "Protection of the data subject or of the rights and freedoms of others (UAVG art. 41(1)(i))"),
        new("uavg-41-1-d", "Voorkomen, onderzoeken, opsporen en vervolgen van strafbare feiten (art. 41 lid 1 sub d UAVG)",
            "Prevention, investigation, detection or prosecution of criminal offences (UAVG art. 41(1)(d))"),
        new("uavg-41-1-c", "De openbare veiligheid (art. 41 lid 1 sub c UAVG)", "Public security (UAVG art. 41(1)(c))"),
        new("uavg-41-1-e", "Andere belangrijke doelstellingen van algemeen belang (art. 41 lid 1 sub e UAVG)",
            "Other important objectives of general public interest (UAVG art. 41(1)(e))"),
    ];

    public static WithholdingGround? Find(string id) => All.FirstOrDefault(g => g.Id == id);
}
