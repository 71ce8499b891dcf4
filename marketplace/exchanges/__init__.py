"""Member offers and requests: neighbours in one time bank (an organisation) trade hours directly.

A member offers ("I can teach smartphone use on weekends") or requests ("walk with me to the clinic on
Tuesday"); the two talk through the site's messages, agree on a time, and after the service the receiver
confirms the minutes, which move from the receiver's savings to the giver's in one ledger entry
(`CauseKind.EXCHANGE`). The organisation's coordinators approve new members' first exchanges, settle
disputes, answer reports, and act for members who have no phone.
"""
